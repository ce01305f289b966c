package import Conveyor
package import Foundation
import PostgresNIO

extension PostgresJobStore {
    package func heartbeat(_ node: NodeRecord) async throws {
        try await storage("recording a heartbeat") { [self] in try await execute(sql.heartbeat(node)) }
    }

    package func removeNode(name: String) async throws {
        try await storage("removing a node") { [self] in try await execute(sql.removeNode(name)) }
    }

    package func nodes() async throws -> [NodeRecord] {
        try await storage("listing nodes") { [self] in
            try await rows(sql.allNodes).map { row in
                let (name, queues, kinds, startedAt, heartbeatAt, running, slots) = try row.decode((String, [String], [String], Date, Date, Int32, Int32?).self)
                return NodeRecord(name: name, queues: queues, kinds: kinds, startedAt: startedAt, heartbeatAt: heartbeatAt, running: Int(running),
                                  slots: slots.map(Int.init))
            }
        }
    }

    package func executingAttempts(node: String) async throws -> Set<JobAttempt> {
        try await storage("checking running jobs") { [self] in
            Set(try await rows(sql.executing(on: node)).map { row in
                let (id, attempt) = try row.decode((Int64, Int32).self)
                return JobAttempt(jobID: id, attempt: Int(attempt), node: node)
            })
        }
    }

    package func acquireLeadership(node: String, ttl: Duration, now: Date) async throws -> Bool {
        let query = sql.acquireLeadership(node: node, until: now.addingTimeInterval(Double(ttl.components.seconds)), now: now)
        return try await storage("taking the maintenance lease") { [self] in
            try await rows(query).first.map { try $0.decode(String.self) } == node
        }
    }

    package func resignLeadership(node: String) async throws {
        try await storage("giving up the maintenance lease") { [self] in try await execute(sql.resignLeadership(node: node)) }
    }

    package func leader(now: Date) async throws -> String? {
        try await storage("reading the maintenance lease") { [self] in try await rows(sql.leader(now: now)).first?.decode(String.self) }
    }

    package func stage(now: Date, limit: Int) async throws -> Set<String> {
        let queues = try await storage("staging due jobs") { [self] in
            Set(try await rows(sql.stage(now: now, limit: limit)).map { try $0.decode(String.self) })
        }
        for queue in queues { try? await notify(.jobsAvailable(queue: queue)) }
        return queues
    }

    package func orphanedAttempts(heartbeatBefore: Date, limit: Int) async throws -> [OrphanedAttempt] {
        try await storage("looking for orphaned jobs") { [self] in
            try await rows(sql.orphanedAttempts(heartbeatBefore: heartbeatBefore, limit: limit)).map { row in
                let (id, attempt, node, maxAttempts, queue) = try row.decode((Int64, Int32, String, Int32, String).self)
                return OrphanedAttempt(attempt: JobAttempt(jobID: id, attempt: Int(attempt), node: node), maxAttempts: Int(maxAttempts), queue: queue)
            }
        }
    }

    package func announceAvailable(_ queues: Set<String>) async throws {
        try await storage("announcing new jobs") { [self] in
            for queue in queues {
                try await notify(.jobsAvailable(queue: queue))
                answerArrived()
            }
        }
    }

    package func deleteFinished(_ state: JobState, before: Date, in queues: QueueSelection, limit: Int) async throws -> Int {
        try await storage("pruning finished jobs") { [self] in try await count(sql.deleteFinished(state, before: before, in: queues, limit: limit)) }
    }

    package func deleteFinished(_ state: JobState, queue: String, beyondNewest keep: Int, limit: Int) async throws -> Int {
        try await storage("pruning finished jobs") { [self] in
            try await count(sql.deleteFinished(state, queue: queue, beyondNewest: keep, limit: limit))
        }
    }

    package func queues(holding state: JobState) async throws -> [String] {
        try await storage("pruning finished jobs") { [self] in
            try await rows(sql.queues(holding: state)).map { try $0.decode(String.self) }
        }
    }

    package func removeNodes(heardBefore: Date) async throws {
        try await storage("removing stopped nodes") { [self] in try await execute(sql.removeNodes(heardBefore: heardBefore)) }
    }

    package func oldestHeldSnapshot() async throws -> HeldSnapshot? {
        try await storage("looking for long transactions") { [self] in
            try await rows(sql.oldestHeldSnapshot).first.map { row in
                let (pid, started, state, application, query) = try row.decode((String, Double, String?, String?, String?).self)
                return HeldSnapshot(holder: pid, since: Date(timeIntervalSince1970: started), state: state,
                                    application: application.flatMap { $0.isEmpty ? nil : $0 }, query: query)
            }
        }
    }

    /// Runs a statement that answers one count.
    private func count(_ query: PostgresQuery) async throws -> Int {
        try await rows(query).first.map { Int(try $0.decode(Int64.self)) } ?? 0
    }
}

extension PostgresJobStore {
    package func declareKinds(_ kinds: [DeclaredKind]) async throws {
        guard !kinds.isEmpty else { return }
        try await storage("declaring job kinds") { [self] in
            try await withTransaction { connection in
                for kind in kinds {
                    try await connection.query(sql.declareKind(kind), logger: logger)
                    answerArrived()
                }
            }
        }
    }

    package func declaredKind(_ kind: String) async throws -> DeclaredKind? {
        try await storage("reading a declared kind") { [self] in
            try await rows(sql.declaredKind(kind)).first.map { row in
                try StoreCoding.decoder.decode(DeclaredKind.self, from: Data(try row.decode(String.self).utf8))
            }
        }
    }
}
