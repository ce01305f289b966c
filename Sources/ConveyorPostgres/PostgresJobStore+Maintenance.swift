public import Conveyor
public import Foundation
import PostgresNIO

extension PostgresJobStore {
    public func heartbeat(_ node: NodeRecord) async throws {
        var binds = PostgresBindings()
        binds.append(node.name)
        binds.append(node.queues)
        binds.append(node.kinds)
        binds.append(node.startedAt)
        binds.append(node.heartbeatAt)
        binds.append(Int32(node.running))
        try await storage("recording a heartbeat") { try await execute(sql.heartbeat, binds) }
    }

    public func removeNode(name: String) async throws {
        var binds = PostgresBindings()
        binds.append(name)
        try await storage("removing a node") { try await execute(sql.removeNode, binds) }
    }

    public func nodes() async throws -> [NodeRecord] {
        try await storage("listing nodes") {
            var nodes: [NodeRecord] = []
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql.nodes), logger: logger)
            for try await (name, queues, kinds, startedAt, heartbeatAt, running) in rows.decode((String, [String], [String], Date, Date, Int32).self) {
                nodes.append(NodeRecord(name: name, queues: queues, kinds: kinds, startedAt: startedAt, heartbeatAt: heartbeatAt, running: Int(running)))
            }
            return nodes
        }
    }

    public func executingAttempts(node: String) async throws -> Set<JobAttempt> {
        var binds = PostgresBindings()
        binds.append(node)
        return try await storage("checking running jobs") {
            var current = Set<JobAttempt>()
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql.executingOnNode, binds: binds), logger: logger)
            for try await (id, attempt) in rows.decode((Int64, Int32).self) {
                current.insert(JobAttempt(jobID: id, attempt: Int(attempt), node: node))
            }
            return current
        }
    }

    public func acquireLeadership(node: String, ttl: Duration, now: Date) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(node)
        binds.append(now.addingTimeInterval(Double(ttl.components.seconds)))
        binds.append(now)
        return try await storage("taking the maintenance lease") {
            for try await leader in try await client.query(PostgresQuery(unsafeSQL: sql.acquireLeadership, binds: binds), logger: logger).decode(String.self) {
                return leader == node
            }
            return false
        }
    }

    public func resignLeadership(node: String) async throws {
        var binds = PostgresBindings()
        binds.append(node)
        try await storage("giving up the maintenance lease") { try await execute(sql.resignLeadership, binds) }
    }

    public func stage(now: Date, limit: Int) async throws -> Set<String> {
        var binds = PostgresBindings()
        binds.append(now)
        binds.append(Int64(limit))
        let queues = try await storage("staging due jobs") {
            var queues = Set<String>()
            for try await queue in try await client.query(PostgresQuery(unsafeSQL: sql.stage, binds: binds), logger: logger).decode(String.self) {
                queues.insert(queue)
            }
            return queues
        }
        for queue in queues { try? await notify("a:\(queue)") }
        return queues
    }

    public func rescue(heartbeatBefore: Date, now: Date) async throws -> Int {
        var binds = PostgresBindings()
        binds.append(now)
        binds.append(StoreCoding.iso8601(now))
        binds.append(heartbeatBefore)
        let queues = try await storage("rescuing orphaned jobs") {
            var queues: [String] = []
            for try await queue in try await client.query(PostgresQuery(unsafeSQL: sql.rescue, binds: binds), logger: logger).decode(String.self) {
                queues.append(queue)
            }
            return queues
        }
        for queue in Set(queues) { try? await notify("a:\(queue)") }
        return queues.count
    }

    public func prune(_ retention: Retention, now: Date) async throws -> Int {
        try await storage("pruning finished jobs") {
            var deleted = 0
            let cutoffs: [(JobState, Duration?)] = [
                (.completed, retention.completed), (.discarded, retention.failed), (.cancelled, retention.failed),
            ]
            for (state, age) in cutoffs {
                guard let age else { continue }
                var binds = PostgresBindings()
                binds.append(state.rawValue)
                binds.append(now.addingTimeInterval(-Double(age.components.seconds)))
                binds.append(Int64(retention.batchSize))
                deleted += try await count(sql.pruneOlderThan, binds)
            }
            if let keep = retention.keepLast {
                for state in [JobState.completed, .discarded, .cancelled] {
                    var binds = PostgresBindings()
                    binds.append(state.rawValue)
                    var queues: [String] = []
                    for try await queue in try await client.query(PostgresQuery(unsafeSQL: sql.queuesWithState, binds: binds), logger: logger).decode(String.self) {
                        queues.append(queue)
                    }
                    for queue in queues {
                        var binds = PostgresBindings()
                        binds.append(queue)
                        binds.append(state.rawValue)
                        binds.append(Int64(max(keep, 0)))
                        binds.append(Int64(retention.batchSize))
                        deleted += try await count(sql.pruneBeyondLast, binds)
                    }
                }
            }
            var binds = PostgresBindings()
            binds.append(now.addingTimeInterval(-86_400))
            try await execute(sql.pruneNodes, binds)
            return deleted
        }
    }

    /// Runs a statement that answers one count.
    private func count(_ text: String, _ binds: PostgresBindings) async throws -> Int {
        for try await count in try await client.query(PostgresQuery(unsafeSQL: text, binds: binds), logger: logger).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }
}
