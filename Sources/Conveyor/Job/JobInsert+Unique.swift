package import Foundation

extension JobInsert {
    /// The key a store's unique index holds, and the states (as `,a,b,`) it holds in.
    ///
    /// Stores call this so that every backend derives the same key from the same job.
    package func uniqueness(now: Date) -> (key: String, states: String)? {
        guard let unique else { return nil }
        var parts = [kind, queue]
        switch unique.basis {
        case .key(let key):
            // A leading "key" keeps these apart from computed keys, which start with the kind.
            parts = ["key", key]
        case .args:
            parts.append(args.value.jsonText)
        case .keys(let keys):
            let fields = args.value
            let picked = keys.sorted().map { "\($0)=\((fields[$0] ?? .null).jsonText)" }
            parts.append(picked.joined(separator: "&"))
        case .kindOnly:
            break
        }
        if let period = unique.period {
            let bucket = Int64((now.timeIntervalSince1970 / max(period.seconds, 0.001)).rounded(.down))
            parts.append("p\(Int64(period.seconds))@\(bucket)")
        }
        let states = "," + unique.states.sorted().map(\.rawValue).joined(separator: ",") + ","
        return (parts.joined(separator: "|"), states)
    }
}
