package import Conveyor
package import Foundation

extension SQLiteJobStore {
    package func heartbeat(_ node: NodeRecord) throws {
        try storage("recording a heartbeat") {
            try connection.run(SQLiteSQL.heartbeat, [
                .text(node.name), .text(StoreCoding.json(node.queues)), .integer(SQLiteCoding.micros(node.startedAt)),
                .integer(SQLiteCoding.micros(node.heartbeatAt)), .integer(Int64(node.running)), .text(StoreCoding.json(node.kinds)),
            ])
        }
    }

    package func removeNode(name: String) throws {
        try storage("removing a node") { try connection.run(SQLiteSQL.removeNode, [.text(name)]) }
    }

    package func nodes() throws -> [NodeRecord] {
        try storage("listing nodes") {
            try connection.query(SQLiteSQL.nodes) { row in
                NodeRecord(
                    name: row.text(0), queues: StoreCoding.strings(row.text(1)), kinds: StoreCoding.strings(row.text(5)),
                    startedAt: SQLiteCoding.date(row.int64(2)), heartbeatAt: SQLiteCoding.date(row.int64(3)), running: row.int(4))
            }
        }
    }

    package func executingAttempts(node: String) throws -> Set<JobAttempt> {
        try storage("checking running jobs") {
            Set(try connection.query(SQLiteSQL.executingOnNode, [.text(node)]) { JobAttempt(jobID: $0.int64(0), attempt: $0.int(1), node: node) })
        }
    }

    package func acquireLeadership(node: String, ttl: Duration, now: Date) throws -> Bool {
        try storage("taking the maintenance lease") {
            let expires = now.addingTimeInterval(Double(ttl.components.seconds))
            let rows = try connection.query(SQLiteSQL.acquireLeadership, [
                .text(node), .integer(SQLiteCoding.micros(expires)), .integer(SQLiteCoding.micros(now)),
            ]) { $0.text(0) }
            return rows.first == node
        }
    }

    package func resignLeadership(node: String) throws {
        try storage("giving up the maintenance lease") { try connection.run(SQLiteSQL.resignLeadership, [.text(node)]) }
    }

    package func stage(now: Date, limit: Int) throws -> Set<String> {
        let queues = try storage("staging due jobs") {
            Set(try connection.query(SQLiteSQL.stage, [.integer(SQLiteCoding.micros(now)), .integer(Int64(limit))]) { $0.text(0) })
        }
        signalAvailable(queues)
        return queues
    }

    package func orphanedAttempts(heartbeatBefore: Date, limit: Int) throws -> [OrphanedAttempt] {
        try storage("looking for orphaned jobs") {
            try connection.query(SQLiteSQL.orphanedAttempts, [.integer(SQLiteCoding.micros(heartbeatBefore)), .integer(Int64(limit))]) {
                OrphanedAttempt(attempt: JobAttempt(jobID: $0.int64(0), attempt: $0.int(1), node: $0.text(2)), maxAttempts: $0.int(3), queue: $0.text(4))
            }
        }
    }

    package func announceAvailable(_ queues: Set<String>) {
        signalAvailable(queues)
    }

    package func deleteFinished(_ state: JobState, before: Date, limit: Int) throws -> Int {
        try storage("pruning finished jobs") {
            try connection.run(SQLiteSQL.pruneOlderThan, [.text(state.rawValue), .integer(SQLiteCoding.micros(before)), .integer(Int64(limit))])
        }
    }

    package func deleteFinished(_ state: JobState, queue: String, beyondNewest keep: Int, limit: Int) throws -> Int {
        try storage("pruning finished jobs") {
            try connection.run(SQLiteSQL.pruneBeyondLast, [.text(queue), .text(state.rawValue), .integer(Int64(keep)), .integer(Int64(limit))])
        }
    }

    package func queues(holding state: JobState) throws -> [String] {
        try storage("pruning finished jobs") { try connection.query(SQLiteSQL.queuesWithState, [.text(state.rawValue)]) { $0.text(0) } }
    }

    package func removeNodes(heardBefore: Date) throws {
        try storage("removing stopped nodes") { _ = try connection.run(SQLiteSQL.pruneNodes, [.integer(SQLiteCoding.micros(heardBefore))]) }
    }
}
