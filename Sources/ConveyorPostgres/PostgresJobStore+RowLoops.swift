package import Conveyor
package import Foundation
import PostgresNIO
import Synchronization

extension PostgresJobStore {
    package func checkRowLoop(_ loop: RowLoop) async throws {
        _ = try await rowLoopSQL(loop)
    }

    package func requeueProcessingRows(_ loop: RowLoop, passID: Int64) async throws -> Int {
        let loopSQL = try await rowLoopSQL(loop)
        return try await storage("requeueing rows of row loop \(loop.name)") { [self] in
            try await rows(loopSQL.requeue(passID: passID, jobs: sql.jobs)).count
        }
    }

    package func claimRows(_ loop: RowLoop, now: Date) async throws -> [ClaimedRow] {
        let sql = try await rowLoopSQL(loop)
        return try await storage("taking rows of row loop \(loop.name)") { [self] in
            try await rows(sql.claim(now: now)).map { row in
                let (id, retries) = try row.decode((String, Int64).self)
                return ClaimedRow(id: id, retries: Int(retries))
            }
        }
    }

    package func finishRow(_ loop: RowLoop, id: String, _ update: RowUpdate) async throws {
        let sql = try await rowLoopSQL(loop)
        try await storage("writing a row of row loop \(loop.name)") { [self] in try await execute(sql.finish(id: id, update)) }
    }

    package func completeRows(_ loop: RowLoop, ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        let sql = try await rowLoopSQL(loop)
        try await storage("writing rows of row loop \(loop.name)") { [self] in try await execute(sql.complete(ids: ids)) }
    }

    /// The loop's statements, once its table and columns are found in the catalogue.
    private func rowLoopSQL(_ loop: RowLoop) async throws -> RowLoopSQL {
        let key = loop.table + "." + loop.columns.id
        if let idType = rowIDTypes.withLock({ $0[key] }) { return RowLoopSQL(loop: loop, idType: idType) }
        try loop.validate()
        let columns = try await storage("reading the columns of \(loop.table)") { [self] in
            Dictionary(try await rows(RowLoopSQL.catalogue(loop.table)).map { try $0.decode((String, String).self) }, uniquingKeysWith: { $1 })
        }
        guard !columns.isEmpty else {
            throw ConveyorError(.invalidInput, field: "table", """
                no table '\(loop.table)' found; the store's connections look in schema '\(schema)' only, so name another \
                schema's table as schema.table (public.contacts); names are case-sensitive
                """)
        }
        for (field, column) in loop.namedColumns where columns[column] == nil {
            throw ConveyorError(.invalidInput, field: field, "table '\(loop.table)' has no column '\(column)'")
        }
        let idType = columns[loop.columns.id] ?? "text"
        rowIDTypes.withLock { $0[key] = idType }
        return RowLoopSQL(loop: loop, idType: idType)
    }
}

extension PostgresJobStore {
    /// A fresh `conveyor_bench_rows` table of `count` queued rows in the store's schema, for
    /// `conveyor bench --row-loop-rows`: the shape of seed 001's contacts. Returns its name.
    package func makeRowLoopBenchTable(rows count: Int) async throws -> String {
        let table = SchemaTable(qualified: "\(schema).conveyor_bench_rows")
        try await storage("creating the row loop bench table") { [self] in
            try await execute("DROP TABLE IF EXISTS \(table)")
            try await execute("""
                CREATE TABLE \(table) (id bigint PRIMARY KEY, status text NOT NULL, error text,
                    retry_count integer NOT NULL DEFAULT 0, next_retry_at timestamptz, updated_at bigint NOT NULL)
                """)
            try await execute("INSERT INTO \(table) (id, status, updated_at) SELECT i, 'queued', i FROM generate_series(1, \(Int64(count))) AS i")
        }
        return table.qualified
    }
}
