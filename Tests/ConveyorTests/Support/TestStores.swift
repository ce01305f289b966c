import Conveyor
import ConveyorSQLite
import Foundation

/// The stores every conformance test runs against. A backend joins by adding a case.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite

    var testDescription: String { rawValue }

    /// A fresh, migrated, empty store.
    func make() async throws -> any JobStore {
        switch self {
        case .sqlite:
            let store = try SQLiteJobStore(path: TemporaryFiles.path("store.sqlite"))
            try await store.migrate()
            return store
        }
    }

    /// A second handle on the same database (a second process, as far as the store knows).
    func reopen(_ store: any JobStore) async throws -> any JobStore {
        switch self {
        case .sqlite:
            guard let store = store as? SQLiteJobStore else { fatalError("not a SQLite store") }
            return try SQLiteJobStore(path: store.configuration.path)
        }
    }
}

enum TemporaryFiles {
    /// A path in a new folder under the system temporary folder.
    static func path(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}

import Testing

extension JobInsert {
    static func test(_ kind: String = "test.job", queue: String = "default", priority: Int = 0, scheduledAt: Date? = nil,
                     args: JSONValue = .object([:]), maxAttempts: Int = 5, unique: UniqueOptions? = nil, tags: [String] = []) -> JobInsert {
        JobInsert(kind: kind, queue: queue, args: RawJSON(args), priority: priority, maxAttempts: maxAttempts,
                  scheduledAt: scheduledAt, tags: tags, unique: unique)
    }
}

/// A fixed start time so stored times are predictable.
let epoch = Date(timeIntervalSince1970: 1_800_000_000)
