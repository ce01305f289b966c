import Conveyor
import Foundation

/// The jobs page's filter, as its form sends it (in the query of a listing, in the body of a
/// bulk action): several states, queues, kinds and tags (a field repeated or a comma-separated
/// list), a batch, a schedule, args the jobs contain and a range of insertion times. One type reads it, turns it into a ``JobFilter``, and writes it
/// back into links and hidden form fields, so a bulk action acts on exactly the jobs listed.
struct DashboardFilter {
    var states: [String] = [], queues: [String] = [], kinds: [String] = [], tags: [String] = []
    var batch = "", schedule = "", args = "", after = "", before = ""

    /// From the fields of a query or a form; `values(name)` answers every value of `name`.
    init(_ values: (String) -> [String]) {
        func list(_ name: String) -> [String] {
            var seen = Set<String>()
            return values(name).flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && seen.insert($0).inserted }
        }
        func one(_ name: String) -> String { (values(name).last ?? "").trimmingCharacters(in: .whitespaces) }
        (states, queues, kinds, tags) = (list("state"), list("queue"), list("kind"), list("tag"))
        (batch, schedule, args, after, before) = (one("batch_id"), one("schedule"), one("args"), one("inserted_after"), one("inserted_before"))
    }

    /// A list field as its text box shows it.
    static func text(_ list: [String]) -> String { list.joined(separator: ", ") }

    /// - Throws: ``ConveyorError`` naming the field that cannot be read.
    func jobFilter(limit: Int = 50) throws -> JobFilter {
        var filter = JobFilter(limit: limit)
        filter.states = Set(try states.map { try JobState(parsing: $0) })
        filter.queues = Set(queues)
        filter.kinds = Set(kinds)
        if !batch.isEmpty { filter.batchID = try JobRoutes.integer(batch, field: "batch_id") }
        if !schedule.isEmpty { filter.schedule = schedule }
        filter.tags = Set(tags)
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
        states.map { ("state", $0) } + [("queue", queues.joined(separator: ",")), ("kind", kinds.joined(separator: ",")), ("batch_id", batch),
                                         ("schedule", schedule), ("tag", tags.joined(separator: ",")), ("args", args),
                                         ("inserted_after", after), ("inserted_before", before)].filter { !$0.1.isEmpty }
    }

    /// `?state=…&queue=…` (empty without a filter), with `extra` fields after the filter's.
    func query(_ extra: [(String, String)] = []) -> String {
        var components = URLComponents()
        components.queryItems = (fields + extra).map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.queryItems?.isEmpty == false ? components.string ?? "" : ""
    }

    /// In words, for a confirmation: "state available or retryable, queue mail, tags a and b".
    var summary: String {
        var parts: [String] = []
        for (name, list, joiner) in [("state", states, " or "), ("queue", queues, " or "), ("kind", kinds, " or "), ("tag", tags, " and ")] where !list.isEmpty {
            parts.append((list.count > 1 ? name + "s " : name + " ") + list.joined(separator: joiner))
        }
        for (name, value) in [("batch", batch), ("schedule", schedule), ("args containing", args),
                              ("inserted after", after), ("inserted before", before)] where !value.isEmpty {
            parts.append("\(name) \(value)")
        }
        return parts.isEmpty ? "no filter" : parts.joined(separator: ", ")
    }
}
