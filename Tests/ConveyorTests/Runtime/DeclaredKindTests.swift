import Conveyor
import ConveyorTesting
import Foundation
import Testing

struct SyncContactWorker: JobWorker {
    struct Args: Codable, Sendable { var contact: Int }
    static let kind = "crm.sync_contact"
    static let options = JobOptions(queue: "crm", priority: 2, maxAttempts: 3, unique: UniqueOptions(by: .keys(["contact"])),
                                    tags: ["crm"], hooks: OutcomeHooks(discarded: OutcomeHook(kind: "crm.mark_failed")))
    func perform(_ args: Args, context: JobContext) async throws {}
}

@Suite("Enqueue by kind while no node runs the kind")
struct DeclaredKindTests {
    @Test(arguments: StoreKind.allCases)
    func aDeclaredKindGetsItsWorkersOptionsWhileEveryWorkerIsDown(kind: StoreKind) async throws {
        let store = try await kind.make()
        let worker = try await makeConveyor(store: store)
        worker.register(SyncContactWorker())
        try await worker.declareRegisteredKinds()

        // A producer with no workers at all, on another handle of the database.
        let producer = try await makeConveyor(store: try await kind.reopen(store))
        let first = try await producer.enqueue(kind: SyncContactWorker.kind, args: .object(["contact": .number(7)]))
        #expect(first.job.queue == "crm" && first.job.maxAttempts == 3 && first.job.priority == 2 && first.job.tags == ["crm"])
        #expect(first.job.hooks?.discarded?.kind == "crm.mark_failed")
        let again = try await producer.enqueue(kind: SyncContactWorker.kind, args: .object(["contact": .number(7)]))
        #expect(again.isDuplicate && again.job.id == first.job.id, "the worker's uniqueness holds for enqueues by kind")

        // The worker's node starts later and runs it.
        let ran = try await worker.drain(queue: "crm")
        #expect(ran.map(\.id) == [first.job.id] && ran.first?.state == .completed)
    }

    @Test(arguments: StoreKind.allCases)
    func anUnseenKindNeedsItsQueueNamed(kind: StoreKind) async throws {
        let producer = try await makeConveyor(store: try await kind.make())
        await #expect { try await producer.enqueue(kind: "never.seen") } throws: { error in
            let error = error as? ConveyorError
            return error?.code == .unknownKind && error?.field == "kind" && error?.message.contains("name the queue") == true
        }
        let accepted = try await producer.enqueue(kind: "never.seen", options: EnqueueOptions(queue: "elsewhere"))
        #expect(accepted.job.queue == "elsewhere" && accepted.job.maxAttempts == JobOptions.defaultMaxAttempts)
    }

    @Test(arguments: StoreKind.allCases)
    func aLaterDeclarationReplacesAnEarlierOne(kind: StoreKind) async throws {
        let store = try await kind.make()
        let now = Date()
        try await store.declareKinds([DeclaredKind(kind: "a.b", options: JobOptions(queue: "one"), node: "n1", at: now)])
        try await store.declareKinds([DeclaredKind(kind: "a.b", options: JobOptions(queue: "two", maxAttempts: 4), node: "n2", at: now)])
        let declared = try #require(try await store.declaredKind("a.b"))
        #expect(declared.queue == "two" && declared.maxAttempts == 4 && declared.declaredBy == "n2")
        #expect(try await store.declaredKind("c.d") == nil)
    }
}
