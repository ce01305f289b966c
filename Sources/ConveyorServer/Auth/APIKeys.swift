public import Conveyor

/// The API keys a server accepts, each with its scope.
///
/// Keys come from `--api-key KEY:SCOPE` (repeatable) or `CONVEYOR_API_KEYS="KEY:SCOPE,…"`.
/// They are held only in memory; a key is compared in time independent of where it differs.
public struct APIKeys: Sendable {
    private let keys: [(key: [UInt8], scope: APIScope)]

    public var isEmpty: Bool { keys.isEmpty }

    /// Parses `KEY:SCOPE` entries.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`, field `api_key`) for an entry without a
    ///   scope, an unknown scope or a key shorter than 16 characters.
    public init(parsing entries: [String]) throws(ConveyorError) {
        var keys: [(key: [UInt8], scope: APIScope)] = []
        for entry in entries {
            guard let colon = entry.lastIndex(of: ":") else {
                throw ConveyorError(.invalidInput, field: "api_key", "'…' is not KEY:SCOPE (scopes: read, write, admin)")
            }
            let key = entry[..<colon], scopeName = entry[entry.index(after: colon)...]
            guard let scope = APIScope(rawValue: String(scopeName)) else {
                throw ConveyorError(.invalidInput, field: "api_key", "'\(scopeName)' is not a scope; use read, write or admin")
            }
            guard key.count >= 16 else {
                throw ConveyorError(.invalidInput, field: "api_key", "a key must be at least 16 characters (a \(scope.rawValue) key is \(key.count))")
            }
            keys.append((Array(key.utf8), scope))
        }
        self.keys = keys
    }

    /// The scope of `presented`, or nil if it is not a key here.
    func scope(of presented: Substring) -> APIScope? {
        let bytes = Array(presented.utf8)
        var found: APIScope?
        for (key, scope) in keys where Self.equal(key, bytes) { found = max(found ?? scope, scope) }
        return found
    }

    /// Compares every byte whatever the first difference, so timing does not reveal a prefix.
    private static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
