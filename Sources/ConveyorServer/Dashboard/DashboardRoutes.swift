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
        router.get("/") { request, _ in try await page(request, "overview", "Queues", live: true) { _ in try await overview() } }
        router.get("jobs") { request, _ in try await page(request, "jobs", "Jobs", live: true) { _ in try await jobs(request) } }
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
            return try await saveEdit(try context.pathName(), form, session)
        }
        router.get("nodes") { request, _ in try await page(request, "nodes", "Nodes", live: false) { _ in try await nodes() } }
        router.get("batches") { request, _ in try await page(request, "batches", "Batches", live: true) { _ in try await batches(request) } }
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
    private func session(_ request: Request) -> (session: DashboardSessions.Session, newToken: String?)? {
        if let session = sessions.session(request.cookies[DashboardSessions.cookieName]?.value) { return (session, nil) }
        guard keys.isEmpty else { return nil }
        let (token, session) = sessions.start(scope: .admin)
        return (session, token)
    }

    private func signIn(_ request: Request) async throws -> Response {
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

    private func formSession(_ request: Request) async throws -> (DashboardSessions.Session, [String: String]) {
        guard let (session, _) = session(request), request.cookies[DashboardSessions.cookieName] != nil else {
            throw APIError(status: .unauthorized, code: "unauthorized", field: "session", message: "sign in first")
        }
        return (session, try await Self.form(request))
    }

    private func check(_ form: [String: String], _ session: DashboardSessions.Session) throws {
        guard form["form_token"] == session.formToken else {
            throw APIError(status: .forbidden, code: "forbidden", field: "form_token", message: "the form is stale or comes from another site; reload the page")
        }
    }

    private func require(_ scope: APIScope, _ session: DashboardSessions.Session) throws {
        guard session.scope >= scope else {
            throw APIError(status: .forbidden, code: "forbidden", field: "authorization", message: "this needs a key with the \(scope.rawValue) scope")
        }
    }

    /// The session's cookie, sent only to Conveyor's own paths.
    private func cookie(_ token: String) -> Cookie {
        Cookie(name: DashboardSessions.cookieName, value: token, path: base.isEmpty ? "/" : base, httpOnly: true, sameSite: .strict)
    }

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ request: Request) async throws -> [String: String] {
        let text = String(buffer: try await request.collectBody(upTo: 64 * 1024))
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    // MARK: Rendering

    private func page(_ request: Request, _ template: String, _ title: String, live: Bool, scope: APIScope = .read,
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

    private func render(_ template: String, _ context: [String: Any], title: String, session: DashboardSessions.Session?,
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

    private func overview() async throws -> [String: Any] {
        var queues: [[String: Any]] = []
        for queue in try await conveyor.queues() {
            let activity = try await conveyor.activity(queue: queue.name, minutes: 30)
            let card: [String: Any?] = [
                "name": queue.name, "paused": queue.paused, "chart": ActivityChart.svg(activity),
                "counts": JobState.allCases.map { ["state": $0.rawValue, "count": queue.count($0)] as [String: Any] },
                "latency": activity.latency.map { Self.seconds($0.p50Seconds) },
            ]
            queues.append(card.present)
        }
        return ["queues": queues]
    }

    private func jobs(_ request: Request) async throws -> [String: Any] {
        var filter = JobFilter(limit: 50)
        let state = request.query("state") ?? "", queue = request.query("queue") ?? "", kind = request.query("kind") ?? ""
        if !state.isEmpty { filter.states = [try JobState(parsing: state)] }
        if !queue.isEmpty { filter.queues = [queue] }
        if !kind.isEmpty { filter.kinds = [kind] }
        let batch = request.query("batch_id") ?? ""
        if !batch.isEmpty { filter.batchID = try JobRoutes.integer(batch, field: "batch_id") }
        let tag = request.query("tag") ?? "", args = request.query("args") ?? ""
        if !tag.isEmpty { filter.tags = [tag] }
        if !args.isEmpty { filter.args = try JSONValue(parsing: args, field: "args") }
        let matching = try await conveyor.countJobs(matching: filter)
        filter.beforeID = try request.query("before_id").map { try JobRoutes.integer($0, field: "before_id") }
        let jobs = try await conveyor.jobs(matching: filter)
        var next: String?
        if jobs.count == filter.limit, let last = jobs.last {
            var components = URLComponents()
            components.queryItems = [("state", state), ("queue", queue), ("kind", kind), ("batch_id", batch), ("tag", tag), ("args", args),
                                     ("before_id", String(last.id))]
                .filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
            next = base + "/jobs" + (components.string ?? "")
        }
        let page: [String: Any?] = [
            "states": JobState.allCases.map { ["name": $0.rawValue, "selected": $0.rawValue == state] as [String: Any] },
            "queue": queue, "kind": kind, "batch": batch, "tag": tag, "args": args, "next": next,
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

    private func job(_ id: Int64, _ session: DashboardSessions.Session) async throws -> [String: Any] {
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
            "errors": job.errors.reversed().map { ["attempt": $0.attempt, "at": Self.time($0.at), "message": $0.message] as [String: Any] },
            "canRetry": session.scope >= .write && [.retryable, .discarded, .cancelled, .completed].contains(job.state),
            "canCancel": session.scope >= .write && !job.state.isFinal,
            "canDelete": session.scope >= .admin && job.state != .executing,
        ]
        return detail.present
    }

    private func schedules(_ session: DashboardSessions.Session) async throws -> [String: Any] {
        ["schedules": try await conveyor.schedules().map { schedule -> [String: Any] in
            let definition = schedule.definition
            let upcoming = schedule.active
                ? definition.recurrence.nextFires(after: Date(), in: TimeZone(identifier: definition.timeZone) ?? .gmt, count: 2).map(Self.time) : []
            let row: [String: Any?] = [
                "name": schedule.name, "kind": definition.kind, "active": schedule.active, "when": definition.recurrence.cronText ?? Self.describe(definition.recurrence),
                "zone": definition.timeZone, "nextRuns": upcoming.isEmpty ? "–" : upcoming.joined(separator: ", "),
                "lastRunAt": schedule.lastRunAt.map(Self.time) ?? "never", "lastStatus": schedule.lastStatus?.rawValue,
                "failures": schedule.consecutiveFailures, "skipped": schedule.skippedRuns, "disabledReason": schedule.disabledReason,
                "toggle": schedule.active ? "deactivate" : "activate", "toggleLabel": schedule.active ? "Deactivate" : "Activate",
            ]
            return row.present
        }]
    }

    /// The edit form's fields for `definition`; a typed recurrence (daily, weekly, …) shows as its cron expression.
    static func editForm(_ definition: ScheduleDefinition, message: String? = nil) -> [String: Any] {
        var everySeconds = ""
        if case .every(let interval) = definition.recurrence { everySeconds = String(Int(interval.components.seconds)) }
        let fields: [String: Any?] = [
            "name": definition.name, "kind": definition.kind, "queue": definition.queue ?? "", "args": pretty(definition.args.value),
            "cron": definition.recurrence.cronText ?? "", "everySeconds": everySeconds,
            "isCron": definition.recurrence.cronText != nil, "isManual": definition.recurrence == .manual, "isEvery": !everySeconds.isEmpty,
            "timeZone": definition.timeZone, "skip": definition.overlap == .skip, "description": definition.description, "message": message,
        ]
        return fields.present
    }

    /// Applies the edit form; a refused change shows the form again with the reason.
    private func saveEdit(_ name: String, _ form: [String: String], _ session: DashboardSessions.Session) async throws -> Response {
        let existing = try await conveyor.schedule(named: name).definition
        var definition = existing
        do {
            definition.kind = form["kind"] ?? existing.kind
            definition.args = RawJSON(try JSONValue(parsing: form["args"] ?? "{}", field: "args"))
            switch form["type"] ?? "cron" {
            case "manual": definition.recurrence = .manual
            case "every": definition.recurrence = .every(try .seconds(checked: Double(form["every_seconds"] ?? "") ?? -1, field: "every_seconds"))
            default:
                let cron = (form["cron"] ?? "").trimmingCharacters(in: .whitespaces)
                if cron != existing.recurrence.cronText { definition.recurrence = .cron(cron) }
            }
            definition.timeZone = form["time_zone"] ?? existing.timeZone
            definition.queue = (form["queue"] ?? "").isEmpty ? nil : form["queue"]
            definition.overlap = form["overlap"] == "skip" ? .skip : .allow
            definition.description = form["description"] ?? ""
            try await conveyor.updateSchedule(definition)
            return Response.redirect(to: base + "/schedules")
        } catch let error as ConveyorError where [.invalidInput, .unknownKind, .invalidArguments].contains(error.code) {
            var context = Self.editForm(definition, message: error.description)
            context["formToken"] = session.formToken
            var response = render("schedule-edit", context, title: "Schedules", session: session, live: false, fragment: false)
            response.status = .badRequest
            return response
        }
    }

    /// Batches, newest first, with how far each has come.
    private func batches(_ request: Request) async throws -> [String: Any] {
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

    private func nodes() async throws -> [String: Any] {
        ["nodes": try await conveyor.nodes().map {
            ["name": $0.name, "queues": $0.queues.joined(separator: ", "), "kinds": $0.kinds.joined(separator: ", "), "running": $0.running,
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

extension Dictionary where Key == String, Value == Any? {
    /// Without the nil values: Mustache would take a nil wrapped in `Any` for a value and show the section.
    var present: [String: Any] { compactMapValues { $0 } }
}
