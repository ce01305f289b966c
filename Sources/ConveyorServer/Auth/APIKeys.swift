public import Conveyor
import Foundation

/// The API keys a server accepts, each with its scope.
///
/// Keys come from `--api-key KEY:SCOPE` (repeatable) or `CONVEYOR_API_KEYS="KEY:SCOPE,…"`.
/// `KEY:work:QUEUE+QUEUE` is a worker process's key: it reads, and leases and finishes jobs of
/// those queues only. They are held only in memory; a key is compared in time independent of
/// where it differs.
public struct APIKeys: Sendable {
    /// What a key grants: its scope, and for a worker's key the queues it may work.
    struct Grant: Sendable {
        let scope: APIScope
        let workQueues: Set<String>?
    }

    private let keys: [(key: [UInt8], grant: Grant)]

    /// Whether no key is configured (the API is then open).
    public var isEmpty: Bool { keys.isEmpty }

    /// Parses `KEY:SCOPE` entries.
    ///
    /// - Throws: `ConveyorError` (`invalidInput`, field `api_key`) for an entry without a
    ///   scope, an unknown scope or a key shorter than 16 characters.
    public init(parsing entries: [String]) throws(ConveyorError) {
        var keys: [(key: [UInt8], grant: Grant)] = []
        for entry in entries {
            if let work = entry.range(of: ":work:") {
                let key = entry[..<work.lowerBound]
                let queues = entry[work.upperBound...].split(separator: "+", omittingEmptySubsequences: false).map(String.init)
                for queue in queues { try JobInsert.validateName(queue, field: "api_key") }
                guard key.count >= 16 else {
                    throw ConveyorError(.invalidInput, field: "api_key", "a key must be at least 16 characters (a work key is \(key.count))")
                }
                keys.append((Array(key.utf8), Grant(scope: .read, workQueues: Set(queues))))
                continue
            }
            guard let colon = entry.lastIndex(of: ":") else {
                throw ConveyorError(.invalidInput, field: "api_key", "'…' is not KEY:SCOPE (scopes: read, write, admin)")
            }
            let key = entry[..<colon], scopeName = entry[entry.index(after: colon)...]
            guard let scope = APIScope(rawValue: String(scopeName)) else {
                throw ConveyorError(.invalidInput, field: "api_key", "'\(scopeName)' is not a scope; use read, write, admin or work:QUEUE+QUEUE")
            }
            guard key.count >= 16 else {
                throw ConveyorError(.invalidInput, field: "api_key", "a key must be at least 16 characters (a \(scope.rawValue) key is \(key.count))")
            }
            keys.append((Array(key.utf8), Grant(scope: scope, workQueues: nil)))
        }
        self.keys = keys
    }

    /// The scope of `presented`, or nil if it is not a key here.
    func scope(of presented: Substring) -> APIScope? { grant(of: presented)?.scope }

    /// What `presented` grants, or nil if it is not a key here.
    func grant(of presented: Substring) -> Grant? {
        let bytes = Array(presented.utf8)
        var found: Grant?
        for (key, grant) in keys where Self.equal(key, bytes) {
            found = Grant(scope: max(found?.scope ?? grant.scope, grant.scope),
                          workQueues: found?.workQueues.map { $0.union(grant.workQueues ?? []) } ?? grant.workQueues)
        }
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
