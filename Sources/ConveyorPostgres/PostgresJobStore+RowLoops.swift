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
