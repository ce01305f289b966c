import Conveyor
import Foundation
import Hummingbird
import Mustache

/// The web dashboard at `/`: queues with per-minute charts, jobs, a job's detail with its
/// actions, schedules, nodes. Pages are rendered on the server; a small script re-renders the
/// page's main part when a job event arrives. With API keys configured, a browser signs in with
/// a key; forms carry the session's form token, so another site cannot post them.
struct DashboardRoutes {
    let conveyor: Conveyor
    let keys: APIKeys
    let sessions: DashboardSessions
    /// The path Conveyor is mounted at ("" at the root): every link, form and redirect starts with it.
    let base: String

    func add<Context: ConveyorRequestContext>(to router: RouterGroup<Context>) {
        router.get("/") { request, _ in try await page(request, "overview", "Queues", live: true) { try await overview(request, $0) } }
        router.get("jobs") { request, _ in try await page(request, "jobs", "Jobs", live: true) { try await jobs(request, $0) } }
        router.get("jobs/{id}") { request, context in
            let id = try JobRoutes.id(context)
            return try await page(request, "job", "Job \(id)", live: true) { try await job(id, $0) }
        }
        router.get("schedules") { request, _ in try await page(request, "schedules", "Schedules", live: true) { try await schedules($0) } }
        router.get("schedules/{name}/edit") { request, context in
            let name = try context.pathName()
            return try await page(request, "schedule-edit", "Schedules", live: false, scope: .admin) { _ in
                Self.editForm(try await conveyor.schedule(named: name).definition)
            }
        }
        // Its own route: the constant `edit` segment above takes the path from `{action}` below.
        router.post("schedules/{name}/edit") { request, context in
            let (session, form) = try await formSession(request)
            try check(form, session)
            try require(.admin, session)
            let name = try context.pathName()
            return try await saveSchedule(form, over: try await conveyor.schedule(named: name).definition, isNew: false, session)
        }
        router.get("nodes") { request, _ in try await page(request, "nodes", "Nodes", live: false) { _ in try await nodes() } }
        router.get("batches") { request, _ in try await page(request, "batches", "Batches", live: true) { _ in try await batches(request) } }
        addActions(to: router)
        router.get("login") { _, _ in render("login", [:], title: "Sign in", session: nil, live: false, fragment: false) }
        router.post("login") { request, _ in try await signIn(request) }
        router.post("logout") { request, _ in
            let (session, form) = try await formSession(request)
            try check(form, session)
            sessions.end(request.cookies[DashboardSessions.cookieName]?.value)
            return Response.redirect(to: base + (keys.isEmpty ? "/" : "/login"))
        }
        router.post("jobs/{id}/{action}") { request, context in
            let id = try JobRoutes.id(context)
            let (session, form) = try await formSession(request)
            try check(form, session)
            switch try context.parameters.require("action") {
            case "retry": try require(.write, session); try await conveyor.retry(id: id)
            case "cancel": try require(.write, session); try await conveyor.cancel(id: id, reason: "cancelled from the dashboard")
            case "delete": try require(.admin, session); try await conveyor.delete(id: id); return Response.redirect(to: base + "/jobs")
            case let other: throw APIError(status: .notFound, code: "not_found", field: "action", message: "'\(other)' is not retry, cancel or delete")
            }
            return Response.redirect(to: base + "/jobs/\(id)")
        }
        router.post("schedules/{name}/{action}") { request, context in
            let name = try context.pathName()
            let (session, form) = try await formSession(request)
            try check(form, session)
            switch try context.parameters.require("action") {
            case "trigger": try require(.write, session); try await conveyor.triggerSchedule(named: name)
            case "activate": try require(.admin, session); try await conveyor.activateSchedule(named: name)
            case "deactivate": try require(.admin, session); try await conveyor.deactivateSchedule(named: name)
            case let other: throw APIError(status: .notFound, code: "not_found", field: "action", message: "'\(other)' is not trigger, activate or deactivate")
            }
            return Response.redirect(to: base + "/schedules")
        }
    }

    // MARK: Sessions and forms

    /// The browser's session; without keys everyone gets one (with every scope) on first sight.
    func session(_ request: Request) -> (session: DashboardSessions.Session, newToken: String?)? {
        if let session = sessions.session(request.cookies[DashboardSessions.cookieName]?.value) { return (session, nil) }
        guard keys.isEmpty else { return nil }
        let (token, session) = sessions.start(scope: .admin)
        return (session, token)
    }

    func signIn(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        guard let key = form["key"], let scope = keys.scope(of: Substring(key)) else {
            var response = render("login", ["message": "That key is not known here."], title: "Sign in", session: nil, live: false, fragment: false)
            response.status = .unauthorized
            return response
        }
        let (token, _) = sessions.start(scope: scope)
        var response = Response.redirect(to: base + "/")
        response.setCookie(cookie(token))
        return response
    }

    func formSession(_ request: Request) async throws -> (DashboardSessions.Session, DashboardForm) {
        guard let (session, _) = session(request), request.cookies[DashboardSessions.cookieName] != nil else {
            throw APIError(status: .unauthorized, code: "unauthorized", field: "session", message: "sign in first")
        }
        return (session, try await Self.form(request))
    }

    func check(_ form: DashboardForm, _ session: DashboardSessions.Session) throws {
        guard form["form_token"] == session.formToken else {
            throw APIError(status: .forbidden, code: "forbidden", field: "form_token", message: "the form is stale or comes from another site; reload the page")
        }
    }

    func require(_ scope: APIScope, _ session: DashboardSessions.Session) throws {
        guard session.scope >= scope else {
            throw APIError(status: .forbidden, code: "forbidden", field: "authorization", message: "this needs a key with the \(scope.rawValue) scope")
        }
    }

    /// The session's cookie, sent only to Conveyor's own paths.
    func cookie(_ token: String) -> Cookie {
        Cookie(name: DashboardSessions.cookieName, value: token, path: base.isEmpty ? "/" : base, httpOnly: true, sameSite: .strict)
    }

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ request: Request) async throws -> DashboardForm {
        let text = String(buffer: try await request.collectBody(upTo: 64 * 1024))
        return DashboardForm(fields: text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        })
    }

    // MARK: Rendering

    func page(_ request: Request, _ template: String, _ title: String, live: Bool, scope: APIScope = .read,
                      _ build: (DashboardSessions.Session) async throws -> [String: Any]) async throws -> Response {
        guard let (session, newToken) = session(request) else { return Response.redirect(to: base + "/login") }
        try require(scope, session)
        var context = try await build(session)
        context["formToken"] = session.formToken
        var response = render(template, context, title: title, session: session, live: live,
                              fragment: request.headers[.init("X-Conveyor-Fragment")!] != nil)
        if let newToken { response.setCookie(cookie(newToken)) }
        return response
    }

    func render(_ template: String, _ context: [String: Any], title: String, session: DashboardSessions.Session?,
                        live: Bool, fragment: Bool) -> Response {
        let body = DashboardTemplates.library.render(context.merging(["base": base]) { $1 }, withTemplate: template) ?? ""
        let html = fragment ? body : DashboardTemplates.library.render([
            "base": base, "title": title, "body": body, "live": live, "signedIn": session != nil && !keys.isEmpty, "formToken": session?.formToken ?? "",
            "nav": [("/", "Queues"), ("/jobs", "Jobs"), ("/batches", "Batches"), ("/schedules", "Schedules"), ("/nodes", "Nodes")].map { href, label in
                // "Job 7" and "Jobs" light up the same tab.
                ["href": base + href, "label": label, "here": title.hasPrefix(String(label.dropLast()))] as [String: Any]
            },
        ], withTemplate: "layout") ?? ""
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    // MARK: Pages

    func overview(_ request: Request, _ session: DashboardSessions.Session) async throws -> [String: Any] {
        let served = Set(try await conveyor.nodes().flatMap(\.queues))
        let window = ChartWindow(rawValue: request.query("window") ?? "") ?? .hour
        var queues: [[String: Any]] = []
        for queue in try await conveyor.queues() {
            let activity = try await conveyor.activity(queue: queue.name, minutes: window.minutes)
            let waiting = queue.count(.available) + queue.count(.scheduled) + queue.count(.retryable)
            let limits = queue.limits
            var described: [String] = []
            if let concurrency = limits.concurrency { described.append("at most \(concurrency) at once over all nodes") }
            if let rate = limits.rate { described.append("\(rate.count) per \(Self.seconds(Double(rate.periodMicros) / 1_000_000))") }
            let card: [String: Any?] = [
                "name": queue.name, "path": Self.pathSegment(queue.name), "paused": queue.paused,
                "chart": ActivityChart.svg(activity, minutesPerBar: window.minutesPerBar),
                "peak": "\(ActivityChart.peak(activity, minutesPerBar: window.minutesPerBar)) per \(window.bar)",
                "p95": activity.latency.map { Self.seconds($0.p95Seconds) },
                "unserved": waiting > 0 && !served.contains(queue.name),
                "counts": JobState.allCases.map { state -> [String: Any] in
                    ["state": state.rawValue, "count": queue.count(state),
                     "href": base + "/jobs" + DashboardFilter { ["state": [state.rawValue], "queue": [queue.name]][$0] ?? [] }.query()]
                },
                "latency": activity.latency.map { Self.seconds($0.p50Seconds) },
                "limits": described.isEmpty ? "No limits." : "Limits: " + described.joined(separator: "; ") + ".",
                "canAdmin": session.scope >= .admin, "toggle": queue.paused ? "resume" : "pause", "toggleLabel": queue.paused ? "Resume" : "Pause",
                "concurrency": limits.concurrency.map(String.init) ?? "", "rateCount": limits.rate.map { String($0.count) } ?? "",
                "rateSeconds": limits.rate.map { String(Int($0.periodMicros / 1_000_000)) } ?? "",
                "retention": Self.retentionText(queue.retention),
                "retentionStates": ["completed", "discarded", "cancelled"].map { state -> [String: Any] in
                    let rule = queue.retention?.rule(for: JobState(rawValue: state) ?? .completed)
                    return ["state": state, "last": rule?.keepLast.map(String.init) ?? "",
                            "days": rule?.maxAge.map { String(format: "%g", $0.seconds / 86_400) } ?? ""]
                },
            ]
            queues.append(card.present)
        }
        let page: [String: Any?] = [
            "queues": queues, "notice": request.query("notice"), "windowLabel": window.label,
            "windows": ChartWindow.allCases.map { ["href": base + "/?window=\($0.rawValue)", "label": $0.rawValue, "here": $0 == window] },
        ]
        return page.present
    }

    /// A queue's own retention in words, the states without a rule following the node's.
    static func retentionText(_ retention: QueueRetention?) -> String {
        let rules = ["completed", "discarded", "cancelled"].compactMap { state -> String? in
            guard let rule = retention?.rule(for: JobState(rawValue: state) ?? .completed) else { return nil }
            var parts: [String] = []
            if let last = rule.keepLast { parts.append("the last \(last)") }
            if let age = rule.maxAge { parts.append("none older than \(String(format: "%g", age.seconds / 86_400)) days") }
            return "\(state): " + (parts.isEmpty ? "all" : parts.joined(separator: ", "))
        }
        return rules.isEmpty ? "Keeps finished jobs as the node does." : "Keeps " + rules.joined(separator: "; ") + "; other states as the node does."
    }

    /// A name as one percent-encoded path segment (a queue or schedule name may hold `/`-free
    /// punctuation such as `:`).
    static func pathSegment(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "#"])) ?? name
    }

    func jobs(_ request: Request, _ session: DashboardSessions.Session) async throws -> [String: Any] {
        let shown = DashboardFilter(request.repeatedQuery)
        var filter = try shown.jobFilter()
        let matching = try await conveyor.countJobs(matching: filter)
        filter.beforeID = try request.query("before_id").map { try JobRoutes.integer($0, field: "before_id") }
        let jobs = try await conveyor.jobs(matching: filter)
        let next = jobs.count == filter.limit ? jobs.last.map { base + "/jobs" + shown.query([("before_id", String($0.id))]) } : nil
        let page: [String: Any?] = [
            "states": JobState.allCases.map { ["name": $0.rawValue, "selected": shown.states.contains($0.rawValue)] as [String: Any] },
            "queue": DashboardFilter.text(shown.queues), "kind": DashboardFilter.text(shown.kinds), "batch": shown.batch, "schedule": shown.schedule,
            "tag": DashboardFilter.text(shown.tags), "args": shown.args,
            "after": shown.after, "before": shown.before, "next": next, "notice": request.query("notice"),
            "filterFields": shown.fields.map { ["name": $0.name, "value": $0.value] },
            "canBulk": session.scope >= .write && !shown.fields.isEmpty && matching > 0,
            "bulkActions": [["action": "retry", "label": "Retry matching…"], ["action": "cancel", "label": "Cancel matching…"]]
                + (session.scope >= .admin ? [["action": "delete", "label": "Delete matching…"]] : []),
            "matching": matching == 1 ? "1 job matches" : "\(matching) jobs match",
            "jobs": jobs.map { job -> [String: Any] in
                let progress = Self.progress(job)
                return ["id": job.id, "kind": job.kind, "queue": job.queue, "state": job.state.rawValue, "attempt": job.attempt,
                        "maxAttempts": job.maxAttempts, "insertedAt": Self.time(job.insertedAt), "tags": job.tags.joined(separator: ", "),
                        "progress": progress.fraction.map { "\(Int(($0 * 100).rounded())) %" } ?? ""]
            },
        ]
        return page.present
    }

    func job(_ id: Int64, _ session: DashboardSessions.Session) async throws -> [String: Any] {
        let job = try await conveyor.job(id: id)
        let progress = Self.progress(job)
        let meta = job.meta.value
        let detail: [String: Any?] = [
            "id": job.id, "kind": job.kind, "queue": job.queue, "state": job.state.rawValue, "priority": job.priority,
            "attempt": job.attempt, "maxAttempts": job.maxAttempts, "insertedAt": Self.time(job.insertedAt),
            "scheduledAt": Self.time(job.scheduledAt), "attemptedAt": job.attemptedAt.map(Self.time),
            "attemptedBy": job.attemptedBy ?? "", "finishedAt": job.finishedAt.map(Self.time),
            "tags": job.tags.isEmpty ? false : job.tags.joined(separator: ", "),
            "progress": progress.fraction ?? (job.state == .completed ? 1 : 0), "progressMessage": progress.message ?? "",
            "progressDetails": job.progressDetails.map(Self.pretty),
            "args": Self.pretty(job.args.value), "meta": Self.pretty(meta), "result": meta["result"].map(Self.pretty),
            "timeline": Self.timeline(job),
            "canRetry": session.scope >= .write && BulkChange.retry.states.contains(job.state),
            "canCancel": session.scope >= .write && BulkChange.cancel.states.contains(job.state),
            "canDelete": session.scope >= .admin && BulkChange.delete.states.contains(job.state),
        ]
        return detail.present
    }

    /// What happened to `job`, oldest first: its insertion, the time it was scheduled for,
    /// each attempt with its node, how long it ran and its error in full, and its end.
    static func timeline(_ job: Job) -> [[String: Any]] {
        func event(_ name: String, _ at: Date, _ text: String, message: String? = nil) -> [String: Any] {
            let fields: [String: Any?] = ["event": name, "at": time(at), "text": text, "message": message]
            return fields.present
        }
        var events = [event("inserted", job.insertedAt, "Inserted into queue \(job.queue)")]
        if job.scheduledAt.timeIntervalSince(job.insertedAt) >= 1, job.errors.isEmpty {
            events.append(event("scheduled", job.scheduledAt, "Scheduled to run"))
        }
        func ran(_ started: Date?, _ ended: Date) -> String {
            started.map { " after \(seconds(ended.timeIntervalSince($0)))" } ?? ""
        }
        for error in job.errors {
            let node = error.node.map { " on \($0)" } ?? ""
            events.append(event("attempt", error.startedAt ?? error.at, "Attempt \(error.attempt)\(node) ended\(ran(error.startedAt, error.at))", message: error.message))
        }
        if let started = job.attemptedAt, !job.errors.contains(where: { $0.attempt == job.attempt }) {
            let node = job.attemptedBy.map { " on \($0)" } ?? ""
            switch job.state {
            case .executing: events.append(event("attempt", started, "Attempt \(job.attempt) started\(node), running"))
            case .completed: events.append(event("attempt", started, "Attempt \(job.attempt)\(node) completed\(job.finishedAt.map { ran(started, $0) } ?? "")"))
            default: events.append(event("attempt", started, "Attempt \(job.attempt) started\(node)"))
            }
        }
        if let finished = job.finishedAt { events.append(event("finished", finished, "Became \(job.state.rawValue)")) }
        return events
    }

    func schedules(_ session: DashboardSessions.Session) async throws -> [String: Any] {
        ["canAdmin": session.scope >= .admin, "schedules": try await conveyor.schedules().map { schedule -> [String: Any] in
            let definition = schedule.definition
            let upcoming = schedule.active
                ? definition.recurrence.nextFires(after: conveyor.configuration.clock.now(), in: TimeZone(identifier: definition.timeZone) ?? .gmt, count: 2).map(Self.time) : []
            let row: [String: Any?] = [
                "name": schedule.name, "path": Self.pathSegment(schedule.name), "kind": definition.kind, "active": schedule.active, "when": definition.recurrence.cronText ?? Self.describe(definition.recurrence),
                "zone": definition.timeZone, "nextRuns": upcoming,
                "lastRunAt": schedule.lastRunAt.map(Self.time), "lastStatus": schedule.lastStatus?.rawValue,
                "failures": schedule.consecutiveFailures, "skipped": schedule.skippedRuns, "disabledReason": schedule.disabledReason,
                "toggle": schedule.active ? "deactivate" : "activate", "toggleLabel": schedule.active ? "Deactivate" : "Activate",
            ]
            return row.present
        }]
    }

    /// The edit form's fields for `definition`; a typed recurrence (daily, weekly, …) shows as its cron expression.
    static func editForm(_ definition: ScheduleDefinition, isNew: Bool = false, message: String? = nil) -> [String: Any] {
        var everySeconds = ""
        if case .every(let interval) = definition.recurrence { everySeconds = String(Int(interval.components.seconds)) }
        let fields: [String: Any?] = [
            "name": definition.name, "kind": definition.kind, "queue": definition.queue ?? "", "args": pretty(definition.args.value),
            "cron": definition.recurrence.cronText ?? "", "everySeconds": everySeconds,
            "isCron": definition.recurrence.cronText != nil, "isManual": definition.recurrence == .manual, "isEvery": !everySeconds.isEmpty,
            "timeZone": definition.timeZone, "skip": definition.overlap == .skip, "description": definition.description, "message": message,
            "isNew": isNew, "action": isNew ? "new" : pathSegment(definition.name) + "/edit",
        ]
        return fields.present
    }

    /// Applies the schedule form over `existing` (a blank definition for a new schedule) and
    /// stores it; a refused definition shows the form again with the reason.
    func saveSchedule(_ form: DashboardForm, over existing: ScheduleDefinition, isNew: Bool,
                      _ session: DashboardSessions.Session) async throws -> Response {
        var definition = existing
        do {
            if isNew { definition.name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces) }
            definition.kind = form["kind"] ?? existing.kind
            definition.args = RawJSON(try JSONValue(parsing: form["args"] ?? "{}", field: "args"))
            switch form["type"] ?? "cron" {
            case "manual": definition.recurrence = .manual
            case "every": definition.recurrence = .every(try .seconds(checked: Double(form["every_seconds"] ?? "") ?? -1, field: "every_seconds"))
            default:
                let cron = (form["cron"] ?? "").trimmingCharacters(in: .whitespaces)
                if isNew || cron != existing.recurrence.cronText { definition.recurrence = .cron(cron) }
            }
            definition.timeZone = form["time_zone"] ?? existing.timeZone
            definition.queue = (form["queue"] ?? "").isEmpty ? nil : form["queue"]
            definition.overlap = form["overlap"] == "skip" ? .skip : .allow
            definition.description = form["description"] ?? ""
            if isNew { try await conveyor.addSchedule(definition) } else { try await conveyor.updateSchedule(definition) }
            return Response.redirect(to: base + "/schedules")
        } catch let error as ConveyorError where [.invalidInput, .unknownKind, .invalidArguments, .conflict].contains(error.code) {
            var context = Self.editForm(definition, isNew: isNew, message: error.description)
            context["formToken"] = session.formToken
            var response = render("schedule-edit", context, title: "Schedules", session: session, live: false, fragment: false)
            response.status = .badRequest
            return response
        }
    }

    /// Batches, newest first, with how far each has come.
    func batches(_ request: Request) async throws -> [String: Any] {
        let beforeID = try request.query("before_id").map { try JobRoutes.integer($0, field: "before_id") }
        let batches = try await conveyor.batches(beforeID: beforeID, limit: 50)
        let page: [String: Any?] = [
            "next": batches.count == 50 ? batches.last.map { "\(base)/batches?before_id=\($0.id)" } : nil,
            "batches": batches.map { batch -> [String: Any] in
                let ended = batch.total - batch.pending
                let card: [String: Any?] = [
                    "id": batch.id, "total": batch.total, "pending": batch.pending, "ended": ended,
                    "percent": batch.total > 0 ? "\(ended * 100 / batch.total) %" : "–",
                    "completed": batch.completed, "discarded": batch.discarded, "cancelled": batch.cancelled,
                    "callback": batch.callback.kind, "callbackJobID": batch.callbackJobID,
                    "createdAt": Self.time(batch.createdAt), "finishedAt": batch.finishedAt.map(Self.time) ?? "",
                ]
                return card.present
            },
        ]
        return page.present
    }

    /// The nodes, worker processes over HTTP among them (each fetch is their heartbeat), the
    /// one leading maintenance marked, each with the jobs it runs now.
    func nodes() async throws -> [String: Any] {
        let leader = try await conveyor.leader()
        var running: [String: Int] = [:]
        for job in try await conveyor.jobs(matching: JobFilter(states: [.executing], limit: 1_000)) {
            if let node = job.attemptedBy { running[node, default: 0] += 1 }
        }
        return ["nodes": try await conveyor.nodes().map {
            ["name": $0.name, "leader": $0.name == leader, "queues": $0.queues.joined(separator: ", "), "kinds": $0.kinds.joined(separator: ", "),
             "running": max($0.running, running[$0.name] ?? 0), "slots": $0.slots.map(String.init) ?? "?",
             "startedAt": Self.time($0.startedAt), "heartbeatAt": Self.time($0.heartbeatAt)] as [String: Any]
        }]
    }

    // MARK: Formatting

    static func time(_ date: Date) -> String { date.formatted(.iso8601) }

    static func seconds(_ value: Double) -> String {
        value < 1 ? "\(Int((value * 1_000).rounded())) ms" : String(format: "%.1f s", value)
    }

    static func pretty(_ value: JSONValue) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(value.jsonText.utf8), options: .fragmentsAllowed),
                                                     options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed]) else { return value.jsonText }
        return String(decoding: data, as: UTF8.self)
    }

    static func progress(_ job: Job) -> (fraction: Double?, message: String?) {
        let meta = job.meta.value
        guard case .number(let fraction) = meta["progress"] else { return (nil, nil) }
        if case .string(let message) = meta["progress_message"] { return (fraction, message) }
        return (fraction, nil)
    }

    static func describe(_ recurrence: Recurrence) -> String {
        switch recurrence {
        case .manual: "manual"
        case .every(let interval): "every \(Int(interval.components.seconds)) s"
        default: recurrence.cronText ?? ""
        }
    }
}

/// The span of the queues' charts.
enum ChartWindow: String, CaseIterable {
    case hour = "1h", sixHours = "6h", day = "24h", week = "7d"

    var minutes: Int { [.hour: 60, .sixHours: 360, .day: 1_440][self] ?? 10_080 }
    /// One bar a minute over an hour, ten over six hours, half an hour over a day, six hours over a week.
    var minutesPerBar: Int { [.hour: 1, .sixHours: 10, .day: 30][self] ?? 360 }
    var bar: String { [.hour: "minute", .sixHours: "10 minutes", .day: "30 minutes"][self] ?? "6 hours" }
    var label: String { [.hour: "last hour", .sixHours: "last 6 hours", .day: "last 24 hours"][self] ?? "last 7 days" }
}

/// A posted form's fields, in order: a field may repeat (the jobs filter's states).
struct DashboardForm {
    let fields: [(String, String)]

    /// The last value of `name`.
    subscript(name: String) -> String? { fields.last { $0.0 == name }?.1 }

    /// Every value of `name`.
    func values(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }
}

extension Dictionary where Key == String, Value == Any? {
    /// Without the nil values: Mustache would take a nil wrapped in `Any` for a value and show the section.
    var present: [String: Any] { compactMapValues { $0 } }
}
