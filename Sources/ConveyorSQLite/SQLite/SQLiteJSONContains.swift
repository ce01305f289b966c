import CSQLite
import Conveyor

extension SQLiteConnection {
    /// Adds `conveyor_json_contains(json, filter)`: 1 when `json` contains `filter` by
    /// ``JSONValue/contains(_:)``, PostgreSQL's `@>` rule, which SQLite has no function for.
    func addJSONContains() {
        sqlite3_create_function_v2(handle, "conveyor_json_contains", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { context, _, values in
            guard let values, let json = values[0].flatMap(sqlite3_value_text), let filter = values[1].flatMap(sqlite3_value_text),
                  let document = try? JSONValue(parsing: String(cString: json), field: "args"),
                  let wanted = try? JSONValue(parsing: String(cString: filter), field: "args") else {
                sqlite3_result_int(context, 0)
                return
            }
            sqlite3_result_int(context, document.contains(wanted) ? 1 : 0)
        }, nil, nil, nil)
    }
}
