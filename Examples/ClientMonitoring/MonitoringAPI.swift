public import Conveyor
public import ExampleKit
public import Foundation
public import Hummingbird
import NIOCore

/// The seed's API: user preferences, automation schedules, scheduler status, email logs and
/// their summary, and Postmark's open/click webhook. The caller is `Authorization: Bearer
/// USER_ID` (the seed's token, reduced to the user it names). Errors answer `{"detail": …}`.
public struct MonitoringAPI: Sendable {
    let schedules: AutomationSchedules
    let db: any AppDatabase
    let now: @Sendable () -> Date

    public init(conveyor: Conveyor, db: any AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        schedules = AutomationSchedules(conveyor: conveyor, db: db)
        self.db = db
        self.now = now
    }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        let api = router.group("api/v1")
        api.get("user-preferences/me") { request, _ in
            await answer { try await preferences(of: try user(request)).json }
        }
        api.put("user-preferences/me") { request, context in
            await answer {
                let change = try await request.decode(as: UserPreferences.Change.self, context: context)
                var preferences = try await preferences(of: try user(request))
                try preferences.apply(change, now: now())
                try await preferences.save(in: db)
                return try preferences.json
            }
        }
        let automation = api.group("automation-schedules")
        automation.get { request, _ in
            await answer {
                let limit = try query(request, "limit").map(number) ?? 50, skip = try query(request, "skip").map(number) ?? 0
                guard (1...100).contains(limit) else { throw MonitoringError.invalid("limit", "must be between 1 and 100, got \(limit)") }
                let isActive = try query(request, "is_active").map { text throws -> Bool in
                    guard let flag = Bool(text) else { throw MonitoringError.invalid("is_active", "must be true or false") }
                    return flag
                }
                let page = try await schedules.list(skip: max(skip, 0), limit: limit, isActive: isActive, jobType: try query(request, "job_type"))
                return ["schedules": .array(page.schedules.map(JSONValue.object)), "total": .number(Double(page.total)),
                        "skip": .number(Double(skip)), "limit": .number(Double(limit))]
            }
        }
        automation.post { request, context in
            await answer(status: .created) {
                _ = try user(request)
                return .object(try await schedules.create(try await request.decode(as: AutomationSchedules.Input.self, context: context), now: now()))
            }
        }
        automation.get(":id") { _, context in
            await answer { .object(try await schedules.read(try context.parameters.require("id"))) }
        }
        automation.put(":id") { request, context in
            await answer {
                .object(try await schedules.update(try context.parameters.require("id"), try await request.decode(as: AutomationSchedules.Input.self, context: context), now: now()))
            }
        }
        automation.delete(":id") { _, context in
            await answer {
                try await schedules.delete(try context.parameters.require("id"))
                return ["message": "Schedule deleted"]
            }
        }
        for (verb, active) in [("activate", true), ("deactivate", false)] {
            automation.post(":id/\(verb)") { _, context in
                await answer {
                    let id = try context.parameters.require("id")
                    try await schedules.setActive(id, active)
                    return .object(try await schedules.read(id))
                }
            }
        }
        automation.post(":id/trigger") { _, context in
            await answer {
                let id = try context.parameters.require("id")
                let job = try await schedules.trigger(id)
                return ["message": "Schedule triggered successfully", "schedule_id": .string(id), "job_id": .number(Double(job))]
            }
        }
        api.get("scheduler/status") { _, _ in
            await answer { .object(try await schedules.status()) }
        }
        let logs = api.group("email-logs")
        logs.get { request, _ in
            await answer {
                var filters: [(String, SQLValue)] = []
                for field in ["email_type", "status", "recipient_email", "event_id"] {
                    if let value = try query(request, field) { filters.append(("\(field) = ?", .text(value))) }
                }
                if let start = try query(request, "start_date") { filters.append(("sent_at >= ?", .date(try date(start, "start_date")))) }
                if let end = try query(request, "end_date") { filters.append(("sent_at <= ?", .date(try date(end, "end_date")))) }
                let limit = try query(request, "limit").map(number) ?? 50, skip = try query(request, "skip").map(number) ?? 0
                return .array(try await EmailLogs.list(db, where: filters, skip: skip, limit: min(max(limit, 1), 100)))
            }
        }
        logs.get("stats/summary") { _, _ in
            await answer { .object(try await EmailLogs.summary(db)) }
        }
        logs.get("user/:userId") { _, context in
            await answer { .array(try await EmailLogs.list(db, where: [("user_id = ?", .int(try number(try context.parameters.require("userId"))))], skip: 0, limit: 100)) }
        }
        logs.get("event/:eventId") { _, context in
            await answer { .array(try await EmailLogs.list(db, where: [("event_id = ?", .text(try context.parameters.require("eventId")))], skip: 0, limit: 100)) }
        }
        logs.get(":id") { _, context in
            await answer {
                let id = try context.parameters.require("id")
                guard let log = try await EmailLogs.list(db, where: [("id = ?", .text(id))], skip: 0, limit: 1).first else { throw MonitoringError.notFound("email log \(id)") }
                return log
            }
        }
        router.post("webhooks/postmark") { request, context in
            await answer {
                let event = try await request.decode(as: PostmarkWebhook.self, context: context)
                let column = switch event.RecordType {
                case "Open": "opened_at"
                case "Click": "clicked_at"
                default: throw MonitoringError.invalid("RecordType", "must be Open or Click, got '\(event.RecordType)'")
                }
                let at = event.ReceivedAt.flatMap { try? Date($0, strategy: .iso8601) } ?? now()
                try await db.execute("UPDATE \(db.table("email_logs")) SET \(column) = COALESCE(\(column), ?) WHERE provider_message_id = ?",
                                     [.date(at), .text(event.MessageID)])
                return ["received": true]
            }
        }
    }

    private func preferences(of user: Int) async throws -> UserPreferences {
        try await UserPreferences.getOrCreate(user: user, db: db, now: now())
    }

    private func user(_ request: Request) throws -> Int {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), let id = Int(header.dropFirst(7)) else {
            throw Unauthorized()
        }
        return id
    }

    private func query(_ request: Request, _ name: String) throws -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init)
    }

    private func number(_ text: String) throws -> Int {
        guard let value = Int(text) else { throw MonitoringError.invalid("number", "'\(text)' is not a whole number") }
        return value
    }

    private func date(_ text: String, _ field: String) throws -> Date {
        guard let date = try? Date(text, strategy: .iso8601) else { throw MonitoringError.invalid(field, "'\(text)' is not an ISO 8601 time") }
        return date
    }

    struct Unauthorized: Error {}

    struct PostmarkWebhook: Decodable {
        let RecordType: String
        let MessageID: String
        let ReceivedAt: String?
    }

    /// Runs `body`; its value as JSON, or the error as FastAPI's `{"detail": …}` with its status.
    private func answer(status: HTTPResponse.Status = .ok, _ body: () async throws -> JSONValue) async -> Response {
        let (code, value): (HTTPResponse.Status, JSONValue)
        do {
            (code, value) = (status, try await body())
        } catch let error as MonitoringError {
            if case .notFound = error { (code, value) = (.notFound, ["detail": .string("\(error)")]) } else { (code, value) = (.badRequest, ["detail": .string("\(error)")]) }
        } catch let error as ConveyorError {
            (code, value) = (error.code == .notFound ? .notFound : .badRequest, ["detail": .string(error.field.map { "\($0): \(error.message)" } ?? error.message)])
        } catch is Unauthorized {
            (code, value) = (.unauthorized, ["detail": "Not authenticated"])
        } catch let error as DecodingError {
            (code, value) = (.unprocessableContent, ["detail": .string("the body is not what this route takes: \(error)")])
        } catch {
            (code, value) = (.internalServerError, ["detail": .string("\(error)")])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: code, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension UserPreferences {
    var json: JSONValue {
        get throws { try JSONDecoder().decode(JSONValue.self, from: try MonitoringJSON.encoder.encode(self)) }
    }
}

enum MonitoringJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
