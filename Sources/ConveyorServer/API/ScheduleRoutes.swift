import Conveyor
import Foundation
import Hummingbird

/// `/api/v1/schedules`: list, show, create, replace, delete, activate, deactivate, trigger.
struct ScheduleRoutes {
    let conveyor: Conveyor

    func add<Context: ConveyorRequestContext>(to group: RouterGroup<Context>) {
        group.get("scheduler") { request, context in
            try context.require(.read)
            let count = try request.query("count").map { Int(try JobRoutes.integer($0, field: "count")) } ?? 10
            guard (1...100).contains(count) else { throw ConveyorError(.invalidInput, field: "count", "must be between 1 and 100, got \(count)") }
            return JSONResponse(try await conveyor.schedulerStatus(count: count))
        }
        group.get("schedules") { request, context in
            try context.require(.read)
            var filter = ScheduleFilter()
            filter.active = try request.query("active").map { text in
                guard let value = Bool(text) else { throw ConveyorError(.invalidInput, field: "active", "'\(text)' is not true or false") }
                return value
            }
            filter.kind = request.query("kind")
            filter.afterName = request.query("after")
            if let limit = request.query("limit") { filter.limit = Int(try JobRoutes.integer(limit, field: "limit")) }
            let schedules = try await conveyor.schedules(matching: filter)
            return JSONResponse(ScheduleList(schedules: schedules, nextAfter: schedules.count == filter.limit ? schedules.last?.name : nil))
        }
        group.post("schedules") { request, context in
            try context.require(.admin)
            let body = try await request.json(ScheduleBody.self)
            return JSONResponse(try await conveyor.addSchedule(body.definition, active: body.active ?? true), status: .created)
        }
        group.get("schedules/{name}") { _, context in
            try context.require(.read)
            return JSONResponse(try await conveyor.schedule(named: try context.pathName()))
        }
        group.put("schedules/{name}") { request, context in
            try context.require(.admin)
            let name = try context.pathName()
            // The path names the schedule; the body may leave the name out, or repeat it.
            guard case .object(var fields) = try await request.json(JSONValue.self) else {
                throw ConveyorError(.invalidInput, field: "body", "must be a JSON object")
            }
            if let named = fields["name"], named != .string(name) {
                throw ConveyorError(.invalidInput, field: "name", "must be '\(name)' as in the path, or left out: a schedule cannot be renamed")
            }
            fields["name"] = .string(name)
            let body = try APIEncoding.decoder.decode(ScheduleBody.self, from: Data(JSONValue.object(fields).jsonText.utf8))
            return JSONResponse(try await conveyor.updateSchedule(body.definition))
        }
        group.delete("schedules/{name}") { _, context in
            try context.require(.admin)
            try await conveyor.deleteSchedule(named: try context.pathName())
            return Response(status: .noContent)
        }
        group.post("schedules/{name}/activate") { _, context in
            try context.require(.admin)
            return JSONResponse(try await conveyor.activateSchedule(named: try context.pathName()))
        }
        group.post("schedules/{name}/deactivate") { _, context in
            try context.require(.admin)
            return JSONResponse(try await conveyor.deactivateSchedule(named: try context.pathName()))
        }
        group.post("schedules/{name}/trigger") { _, context in
            try context.require(.write)
            return JSONResponse(try await conveyor.triggerSchedule(named: try context.pathName()), status: .created)
        }
    }
}

struct ScheduleList: Encodable, Sendable {
    let schedules: [Schedule]
    /// Pass as `after` for the next page; absent on the last.
    let nextAfter: String?
}

/// A schedule's definition (the fields of ``ScheduleDefinition`` in snake_case) and, on
/// create, whether it starts active.
struct ScheduleBody: Decodable {
    let definition: ScheduleDefinition
    let active: Bool?

    private enum CodingKeys: String, CodingKey { case active }

    init(from decoder: any Decoder) throws {
        definition = try ScheduleDefinition(from: decoder)
        active = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Bool.self, forKey: .active)
    }
}
