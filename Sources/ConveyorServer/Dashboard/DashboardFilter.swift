import Conveyor
import Foundation

/// The jobs page's filter, as its form sends it (in the query of a listing, in the body of a
/// bulk action): several states, a queue, a kind, a batch, a tag, args the jobs contain and a
/// range of insertion times. One type reads it, turns it into a ``JobFilter``, and writes it
/// back into links and hidden form fields, so a bulk action acts on exactly the jobs listed.
struct DashboardFilter {
    var states: [String] = []
    var queue = "", kind = "", batch = "", schedule = "", tag = "", args = "", after = "", before = ""

    /// From the fields of a query or a form; `values(name)` answers every value of `name`.
    init(_ values: (String) -> [String]) {
        states = values("state").flatMap { $0.split(separator: ",").map(String.init) }
        func one(_ name: String) -> String { (values(name).last ?? "").trimmingCharacters(in: .whitespaces) }
        (queue, kind, batch, schedule, tag, args, after, before) = (one("queue"), one("kind"), one("batch_id"), one("schedule"), one("tag"),
                                                                    one("args"), one("inserted_after"), one("inserted_before"))
    }

    /// - Throws: ``ConveyorError`` naming the field that cannot be read.
    func jobFilter(limit: Int = 50) throws -> JobFilter {
        var filter = JobFilter(limit: limit)
        filter.states = Set(try states.map { try JobState(parsing: $0) })
        if !queue.isEmpty { filter.queues = [queue] }
        if !kind.isEmpty { filter.kinds = [kind] }
        if !batch.isEmpty { filter.batchID = try JobRoutes.integer(batch, field: "batch_id") }
        if !schedule.isEmpty { filter.schedule = schedule }
        if !tag.isEmpty { filter.tags = [tag] }
        if !args.isEmpty { filter.args = try JSONValue(parsing: args, field: "args") }
        filter.insertedAfter = try Self.time(after, field: "inserted_after")
        filter.insertedBefore = try Self.time(before, field: "inserted_before")
        return filter
    }

    private static func time(_ text: String, field: String) throws -> Date? {
        if text.isEmpty { return nil }
        guard let date = RFC3339.date(text) else {
            throw ConveyorError(.invalidInput, field: field, "'\(text)' is not an ISO 8601 time such as 2026-12-01T08:00:00Z")
        }
        return date
    }

    /// The filter's fields, in the order the form shows them, without the empty ones.
    var fields: [(name: String, value: String)] {
        states.map { ("state", $0) } + [("queue", queue), ("kind", kind), ("batch_id", batch), ("schedule", schedule), ("tag", tag), ("args", args),
                                         ("inserted_after", after), ("inserted_before", before)].filter { !$0.1.isEmpty }
    }

    /// `?state=…&queue=…` (empty without a filter), with `extra` fields after the filter's.
    func query(_ extra: [(String, String)] = []) -> String {
        var components = URLComponents()
        components.queryItems = (fields + extra).map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.queryItems?.isEmpty == false ? components.string ?? "" : ""
    }

    /// In words, for a confirmation: "state available or retryable, queue mail".
    var summary: String {
        var parts: [String] = []
        if !states.isEmpty { parts.append("state " + states.joined(separator: " or ")) }
        for (name, value) in [("queue", queue), ("kind", kind), ("batch", batch), ("schedule", schedule), ("tag", tag), ("args containing", args),
                              ("inserted after", after), ("inserted before", before)] where !value.isEmpty {
            parts.append("\(name) \(value)")
        }
        return parts.isEmpty ? "no filter" : parts.joined(separator: ", ")
    }
}
