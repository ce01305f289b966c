package import Conveyor
package import Foundation

extension SQLiteJobStore {
    package func checkRowLoop(_ loop: RowLoop) throws {
        try loop.validate()
        let columns = Set(try storage("reading the columns of \(loop.table)") {
            try connection.query(SQLiteRowLoopSQL.catalogue(loop.table)) { $0.text(0) }
        })
        guard !columns.isEmpty else { throw ConveyorError(.invalidInput, field: "table", "the database has no table '\(loop.table)'") }
        for (field, column) in loop.namedColumns where !columns.contains(column) {
            throw ConveyorError(.invalidInput, field: field, "table '\(loop.table)' has no column '\(column)'")
        }
    }

    package func requeueProcessingRows(_ loop: RowLoop, passID: Int64) throws -> Int {
        let (sql, values) = SQLiteRowLoopSQL(loop: loop).requeue(passID: passID)
        return try storage("requeueing rows of row loop \(loop.name)") { try connection.writeTransaction { try connection.run(sql, values) } }
    }

    package func claimRows(_ loop: RowLoop, now: Date) throws -> [ClaimedRow] {
        let (sql, values) = SQLiteRowLoopSQL(loop: loop).claim(now: now)
        return try storage("taking rows of row loop \(loop.name)") {
            try connection.writeTransaction { try connection.query(sql, values) { ClaimedRow(id: $0.text(0), retries: $0.int(1)) } }
        }
    }

    package func completeRows(_ loop: RowLoop, ids: [String]) throws {
        guard !ids.isEmpty else { return }
        let (sql, values) = SQLiteRowLoopSQL(loop: loop).complete(ids: ids)
        try storage("writing rows of row loop \(loop.name)") { try connection.writeTransaction { try connection.run(sql, values) } }
    }

    package func finishRow(_ loop: RowLoop, id: String, _ update: RowUpdate) throws {
        let (sql, values) = SQLiteRowLoopSQL(loop: loop).finish(id: id, update)
        try storage("writing a row of row loop \(loop.name)") { try connection.writeTransaction { try connection.run(sql, values) } }
    }
}

extension SQLiteJobStore {
    /// A fresh `conveyor_bench_rows` table of `count` queued rows, for `conveyor bench
    /// --row-loop-rows`: the shape of seed 001's contacts. Returns its name.
    package func makeRowLoopBenchTable(rows count: Int) throws -> String {
        try storage("creating the row loop bench table") {
            try connection.execute("""
                DROP TABLE IF EXISTS conveyor_bench_rows;
                CREATE TABLE conveyor_bench_rows (id INTEGER PRIMARY KEY, status TEXT NOT NULL, error TEXT,
                    retry_count INTEGER NOT NULL DEFAULT 0, next_retry_at TEXT, updated_at INTEGER NOT NULL);
                """)
            try connection.run("""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
                INSERT INTO conveyor_bench_rows (id, status, updated_at) SELECT i, 'queued', i FROM n
                """)
        }
        return "conveyor_bench_rows"
    }
}
