package import Conveyor
package import Foundation

extension SQLiteJobStore {
    package func heartbeat(_ node: NodeRecord) throws {
        try storage("recording a heartbeat") { try connection.run(SQLiteSQL.heartbeat(node)) }
    }

    package func removeNode(name: String) throws {
        try storage("removing a node") { try connection.run(SQLiteSQL.removeNode(name)) }
    }

    package func nodes() throws -> [NodeRecord] {
        try storage("listing nodes") {
            try connection.query(SQLiteSQL.nodes) { row in
                NodeRecord(
                    name: row.text(0), queues: StoreCoding.strings(row.text(1)), kinds: StoreCoding.strings(row.text(5)),
                    startedAt: SQLiteCoding.date(row.int64(2)), heartbeatAt: SQLiteCoding.date(row.int64(3)), running: row.int(4),
                    slots: row.optionalInt64(6).map(Int.init))
            }
        }
    }

    package func executingAttempts(node: String) throws -> Set<JobAttempt> {
        try storage("checking running jobs") {
            Set(try connection.query(SQLiteSQL.executing(on: node)) { JobAttempt(jobID: $0.int64(0), attempt: $0.int(1), node: node) })
        }
    }

    package func acquireLeadership(node: String, ttl: Duration, now: Date) throws -> Bool {
        try storage("taking the maintenance lease") {
            let expires = now.addingTimeInterval(Double(ttl.components.seconds))
            let rows = try connection.query(SQLiteSQL.acquireLeadership(node: node, until: expires, now: now)) { $0.text(0) }
            return rows.first == node
        }
    }

    package func resignLeadership(node: String) throws {
        try storage("giving up the maintenance lease") { try connection.run(SQLiteSQL.resignLeadership(node: node)) }
    }

    package func leader(now: Date) throws -> String? {
        try storage("reading the maintenance lease") { try connection.query(SQLiteSQL.leader(now: now)) { $0.text(0) }.first }
    }

    package func stage(now: Date, limit: Int) throws -> Set<String> {
        let queues = try storage("staging due jobs") {
            Set(try connection.query(SQLiteSQL.stage(now: now, limit: limit)) { $0.text(0) })
        }
        signalAvailable(queues)
        return queues
    }

    package func orphanedAttempts(heartbeatBefore: Date, limit: Int) throws -> [OrphanedAttempt] {
        try storage("looking for orphaned jobs") {
            try connection.query(SQLiteSQL.orphanedAttempts(heartbeatBefore: heartbeatBefore, limit: limit)) {
                OrphanedAttempt(attempt: JobAttempt(jobID: $0.int64(0), attempt: $0.int(1), node: $0.text(2)), maxAttempts: $0.int(3), queue: $0.text(4))
            }
        }
    }

    package func announceAvailable(_ queues: Set<String>) {
        signalAvailable(queues)
    }

    package func deleteFinished(_ state: JobState, before: Date, in queues: QueueSelection, limit: Int) throws -> Int {
        try storage("pruning finished jobs") {
            try connection.run(SQLiteSQL.deleteFinished(state, before: before, in: queues, limit: limit))
        }
    }

    package func deleteFinished(_ state: JobState, queue: String, beyondNewest keep: Int, limit: Int) throws -> Int {
        try storage("pruning finished jobs") {
            try connection.run(SQLiteSQL.deleteFinished(state, queue: queue, beyondNewest: keep, limit: limit))
        }
    }

    package func queues(holding state: JobState) throws -> [String] {
        try storage("pruning finished jobs") { try connection.query(SQLiteSQL.queues(holding: state)) { $0.text(0) } }
    }

    package func removeNodes(heardBefore: Date) throws {
        try storage("removing stopped nodes") { _ = try connection.run(SQLiteSQL.removeNodes(heardBefore: heardBefore)) }
    }

    /// SQLite does not show other connections' transactions. (A long reader there keeps the
    /// write-ahead log from being checkpointed, which costs disk, not claims.)
    package func oldestHeldSnapshot() -> HeldSnapshot? { nil }
}

extension SQLiteJobStore {
    package func declareKinds(_ kinds: [DeclaredKind]) throws {
        try storage("declaring job kinds") {
            try connection.writeTransaction { for kind in kinds { try connection.run(SQLiteSQL.declareKind(kind)) } }
        }
    }

    package func declaredKind(_ kind: String) throws -> DeclaredKind? {
        try storage("reading a declared kind") {
            try connection.query(SQLiteSQL.declaredKind(kind)) { row in
                try StoreCoding.decoder.decode(DeclaredKind.self, from: Data(row.text(0).utf8))
            }.first
        }
    }
}
