package import Conveyor
package import Foundation
import PostgresNIO

extension PostgresJobStore {
    package func heartbeat(_ node: NodeRecord) async throws {
        var binds = PostgresBindings()
        binds.append(node.name)
        binds.append(node.queues)
        binds.append(node.kinds)
        binds.append(node.startedAt)
        binds.append(node.heartbeatAt)
        binds.append(Int32(node.running))
        try await storage("recording a heartbeat") { [self, binds] in try await execute(sql.heartbeat, binds) }
    }

    package func removeNode(name: String) async throws {
        var binds = PostgresBindings()
        binds.append(name)
        try await storage("removing a node") { [self, binds] in try await execute(sql.removeNode, binds) }
    }

    package func nodes() async throws -> [NodeRecord] {
        try await storage("listing nodes") { [self] in
            try await self.rows(self.sql.nodes).map { row in
                let (name, queues, kinds, startedAt, heartbeatAt, running) = try row.decode((String, [String], [String], Date, Date, Int32).self)
                return NodeRecord(name: name, queues: queues, kinds: kinds, startedAt: startedAt, heartbeatAt: heartbeatAt, running: Int(running))
            }
        }
    }

    package func executingAttempts(node: String) async throws -> Set<JobAttempt> {
        var binds = PostgresBindings()
        binds.append(node)
        return try await storage("checking running jobs") { [self, binds] in
            Set(try await self.rows(self.sql.executingOnNode, binds).map { row in
                let (id, attempt) = try row.decode((Int64, Int32).self)
                return JobAttempt(jobID: id, attempt: Int(attempt), node: node)
            })
        }
    }

    package func acquireLeadership(node: String, ttl: Duration, now: Date) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(node)
        binds.append(now.addingTimeInterval(Double(ttl.components.seconds)))
        binds.append(now)
        return try await storage("taking the maintenance lease") { [self, binds] in
            try await self.rows(self.sql.acquireLeadership, binds).first.map { try $0.decode(String.self) } == node
        }
    }

    package func resignLeadership(node: String) async throws {
        var binds = PostgresBindings()
        binds.append(node)
        try await storage("giving up the maintenance lease") { [self, binds] in try await execute(sql.resignLeadership, binds) }
    }

    package func stage(now: Date, limit: Int) async throws -> Set<String> {
        var binds = PostgresBindings()
        binds.append(now)
        binds.append(Int64(limit))
        let queues = try await storage("staging due jobs") { [self, binds] in
            Set(try await self.rows(self.sql.stage, binds).map { try $0.decode(String.self) })
        }
        for queue in queues { try? await notify(.jobsAvailable(queue: queue)) }
        return queues
    }

    package func orphanedAttempts(heartbeatBefore: Date, limit: Int) async throws -> [OrphanedAttempt] {
        var binds = PostgresBindings()
        binds.append(heartbeatBefore)
        binds.append(Int64(limit))
        return try await storage("looking for orphaned jobs") { [self, binds] in
            try await rows(sql.orphanedAttempts, binds).map { row in
                let (id, attempt, node, maxAttempts, queue) = try row.decode((Int64, Int32, String, Int32, String).self)
                return OrphanedAttempt(attempt: JobAttempt(jobID: id, attempt: Int(attempt), node: node), maxAttempts: Int(maxAttempts), queue: queue)
            }
        }
    }

    package func announceAvailable(_ queues: Set<String>) async throws {
        for queue in queues { try await notify(.jobsAvailable(queue: queue)) }
    }

    package func deleteFinished(_ state: JobState, before: Date, limit: Int) async throws -> Int {
        var binds = PostgresBindings()
        binds.append(state.rawValue)
        binds.append(before)
        binds.append(Int64(limit))
        return try await storage("pruning finished jobs") { [self, binds] in try await count(sql.pruneOlderThan, binds) }
    }

    package func deleteFinished(_ state: JobState, queue: String, beyondNewest keep: Int, limit: Int) async throws -> Int {
        var binds = PostgresBindings()
        binds.append(queue)
        binds.append(state.rawValue)
        binds.append(Int64(keep))
        binds.append(Int64(limit))
        return try await storage("pruning finished jobs") { [self, binds] in try await count(sql.pruneBeyondLast, binds) }
    }

    package func queues(holding state: JobState) async throws -> [String] {
        var binds = PostgresBindings()
        binds.append(state.rawValue)
        return try await storage("pruning finished jobs") { [self, binds] in
            try await rows(sql.queuesWithState, binds).map { try $0.decode(String.self) }
        }
    }

    package func removeNodes(heardBefore: Date) async throws {
        var binds = PostgresBindings()
        binds.append(heardBefore)
        try await storage("removing stopped nodes") { [self, binds] in try await execute(sql.pruneNodes, binds) }
    }

    /// Runs a statement that answers one count.
    private func count(_ text: String, _ binds: PostgresBindings) async throws -> Int {
        try await rows(text, binds).first.map { Int(try $0.decode(Int64.self)) } ?? 0
    }
}
