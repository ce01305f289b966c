/// What one node tells the others through the store (on PostgreSQL, a NOTIFY payload on the
/// schema's channel). Every message has one text form: a one-letter tag, a colon, the value.
package enum NodeMessage: Hashable, Sendable {
    /// Jobs became available in a queue.
    case jobsAvailable(queue: String)
    /// A queue was paused, resumed or given new limits.
    case queueChanged(queue: String)
    /// A job was cancelled; the node running it stops it.
    case jobCancelled(id: Int64)
    /// A listener checking that its own messages come back; nobody acts on it.
    case probe(String)
    /// The node (a store instance) has event subscribers and wants the others' events.
    case wantsEvents(node: String)
    /// A node that has just started listening asks which nodes want events.
    case asksWhoWantsEvents(node: String)
    /// Job events of a node: ``body`` is one event per line, in the events encoding.
    case events(node: String, body: Substring)

    /// The tag of ``jobsAvailable(queue:)``, for statements that build that message in SQL
    /// (`tag || queue`) as they insert.
    package static let jobsAvailableTag = "a:"

    /// The message as it travels.
    package var text: String {
        switch self {
        case .jobsAvailable(let queue): Self.jobsAvailableTag + queue
        case .queueChanged(let queue): "q:" + queue
        case .jobCancelled(let id): "c:\(id)"
        case .probe(let token): "p:" + token
        case .wantsEvents(let node): "w:" + node
        case .asksWhoWantsEvents(let node): "h:" + node
        case .events(let node, let body): "e:" + node + "\n" + body
        }
    }

    /// Reads a message; nil for text that is not one (sent by a newer version, or by hand).
    package init?(text: String) {
        guard text.utf8.count >= 2, text.utf8.dropFirst().first == UInt8(ascii: ":") else { return nil }
        let value = text.dropFirst(2)
        switch text.first {
        case "a": self = .jobsAvailable(queue: String(value))
        case "q": self = .queueChanged(queue: String(value))
        case "c":
            guard let id = Int64(value) else { return nil }
            self = .jobCancelled(id: id)
        case "p": self = .probe(String(value))
        case "w": self = .wantsEvents(node: String(value))
        case "h": self = .asksWhoWantsEvents(node: String(value))
        case "e":
            let end = value.firstIndex(of: "\n") ?? value.endIndex
            self = .events(node: String(value[..<end]), body: end == value.endIndex ? "" : value[value.index(after: end)...])
        default: return nil
        }
    }
}
