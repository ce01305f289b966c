import Conveyor
import Foundation
import Hummingbird

/// The dashboard's controls beyond a single job: a queue's pause, resume and limits, retry,
/// cancel or delete of every job a filter matches (after a confirmation that shows how many), and a new
/// schedule through a form.
extension DashboardRoutes {
    func addActions<Context: ConveyorRequestContext>(to router: RouterGroup<Context>) {
        router.post("queues/{name}/{action}") { request, context in
            let name = try context.pathName()
            let (session, form) = try await formSession(request)
            try check(form, session)
            try require(.admin, session)
            switch try context.parameters.require("action") {
            case "pause": try await conveyor.pause(queue: name)
            case "resume": try await conveyor.resume(queue: name)
            case "limits":
                do {
                    try await conveyor.setLimits(try Self.limits(form), queue: name)
                } catch let error as ConveyorError where error.code == .invalidInput {
                    return Response.redirect(to: base + "/?" + (Self.query(["notice": "queue \(name): \(error)"])))
                }
            case "retention":
                do {
                    try await conveyor.setRetention(try Self.retention(form), queue: name)
                } catch let error as ConveyorError where error.code == .invalidInput {
                    return Response.redirect(to: base + "/?" + (Self.query(["notice": "queue \(name): \(error)"])))
                }
            case let other:
                throw APIError(status: .notFound, code: "not_found", field: "action", message: "'\(other)' is not pause, resume, limits or retention")
            }
            return Response.redirect(to: base + "/")
        }
        router.post("jobs/bulk") { request, _ in
            let (session, form) = try await formSession(request)
            try check(form, session)
            try require(.write, session)
            return try await bulk(form, session)
        }
        router.get("schedules/new") { request, _ in
            try await page(request, "schedule-edit", "Schedules", live: false, scope: .admin) { _ in
                Self.editForm(ScheduleDefinition(name: "", kind: "", recurrence: .cron("0 * * * *")), isNew: true)
            }
        }
        router.post("schedules/new") { request, _ in
            let (session, form) = try await formSession(request)
            try check(form, session)
            try require(.admin, session)
            return try await saveSchedule(form, over: ScheduleDefinition(name: "", kind: "", recurrence: .manual), isNew: true, session)
        }
    }

    /// The limits form: a blank field removes that limit.
    static func limits(_ form: DashboardForm) throws -> QueueLimits {
        func number(_ name: String) throws -> Int? {
            let text = (form[name] ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            guard let value = Int(text) else { throw ConveyorError(.invalidInput, field: name, "'\(text)' is not a whole number") }
            return value
        }
        let concurrency = try number("concurrency"), count = try number("rate_count"), seconds = try number("rate_seconds")
        var rate: RateLimit?
        if let count {
            rate = RateLimit(count: count, period: .seconds(seconds ?? 60))
        } else if seconds != nil {
            throw ConveyorError(.invalidInput, field: "rate_count", "give the number of jobs the period allows")
        }
        let limits = QueueLimits(concurrency: concurrency, rate: rate)
        try limits.validate()
        return limits
    }

    /// The retention form: per final state, keep the last N, none older than D days; a state
    /// with both blank follows the node-wide retention.
    static func retention(_ form: DashboardForm) throws -> QueueRetention {
        func rule(_ state: String) throws -> QueueRetention.Rule? {
            let last = (form["\(state)_last"] ?? "").trimmingCharacters(in: .whitespaces)
            let days = (form["\(state)_days"] ?? "").trimmingCharacters(in: .whitespaces)
            if last.isEmpty, days.isEmpty { return nil }
            var rule = QueueRetention.Rule()
            if !last.isEmpty {
                guard let count = Int(last) else { throw ConveyorError(.invalidInput, field: "\(state)_last", "'\(last)' is not a whole number") }
                rule.keepLast = count
            }
            if !days.isEmpty {
                guard let count = Double(days), count.isFinite else { throw ConveyorError(.invalidInput, field: "\(state)_days", "'\(days)' is not a number of days") }
                rule.maxAge = try .seconds(checked: count * 86_400, field: "\(state)_days")
            }
            return rule
        }
        let retention = QueueRetention(completed: try rule("completed"), discarded: try rule("discarded"), cancelled: try rule("cancelled"))
        try retention.validate()
        return retention
    }

    /// Retry, cancel or delete every job the posted filter matches: first a page that says how many
    /// and repeats the filter, then, once confirmed with that count, the change.
    private func bulk(_ form: DashboardForm, _ session: DashboardSessions.Session) async throws -> Response {
        let filter = DashboardFilter(form.values)
        let action = form["action"] ?? ""
        guard let bulk = BulkChange(rawValue: action) else {
            throw APIError(status: .badRequest, code: "bad_request", field: "action", message: "'\(action)' is not retry, cancel or delete")
        }
        if bulk == .delete { try require(.admin, session) }
        let (verb, done) = switch bulk {
        case .retry: ("Retry", "retried")
        case .cancel: ("Cancel", "cancelled")
        case .delete: ("Delete", "deleted")
        }
        let jobFilter = bulk.narrowed(try filter.jobFilter())
        let count = jobFilter.states.isEmpty ? 0 : try await conveyor.countJobs(matching: jobFilter)
        guard form["confirm"] == String(count), count > 0 else {
            let context: [String: Any] = [
                "action": action, "verb": verb, "done": done, "count": count, "summary": filter.summary,
                "jobs": count == 1 ? "job" : "jobs", "none": count == 0, "formToken": session.formToken,
                "changed": form["confirm"] != nil && count > 0,
                "fields": filter.fields.map { ["name": $0.name, "value": $0.value] }, "back": base + "/jobs" + filter.query(),
            ]
            return render("bulk-confirm", context, title: "Jobs", session: session, live: false, fragment: false)
        }
        let changed = switch bulk {
        case .retry: try await conveyor.retryJobs(matching: jobFilter)
        case .cancel: try await conveyor.cancelJobs(matching: jobFilter, reason: "cancelled from the dashboard")
        case .delete: try await conveyor.deleteJobs(matching: jobFilter)
        }
        let notice = "\(done.prefix(1).uppercased() + done.dropFirst()) \(changed.count) \(changed.count == 1 ? "job" : "jobs")"
        return Response.redirect(to: base + "/jobs" + filter.query([("notice", notice)]))
    }

    static func query(_ items: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = items.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery ?? ""
    }
}
