import Conveyor
import ConveyorTesting
import Foundation
import Synchronization
import Testing

/// Records what the hook and callback workers were handed.
final class Received<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

struct ImportContact: JobWorker {
    struct Args: Codable, Sendable { var contact: Int }
    static let kind = "test.import_contact"
    static let options = JobOptions(maxAttempts: 2, backoff: .fixed(.seconds(1)), hooks: OutcomeHooks(
        completed: OutcomeHook(MarkContact.self), discarded: OutcomeHook(MarkContact.self)))
    let failing: Set<Int>
    func perform(_ args: Args, context: JobContext) async throws {
        if failing.contains(args.contact) { throw TestFailure(description: "contact \(args.contact) is broken") }
        try context.followUp(Summarise.self, args: .init(contact: args.contact))
    }
}

struct Summarise: JobWorker {
    struct Args: Codable, Sendable { var contact: Int }
    static let kind = "test.summarise"
    let received: Received<Int>
    func perform(_ args: Args, context: JobContext) async throws { received.append(args.contact) }
}

struct MarkContact: JobWorker {
    static let kind = "test.mark_contact"
    let received: Received<JobOutcome>
    func perform(_ outcome: JobOutcome, context: JobContext) async throws { received.append(outcome) }
}

struct ImportFinished: JobWorker {
    static let kind = "test.import_finished"
    let received: Received<BatchOutcome>
    func perform(_ outcome: BatchOutcome, context: JobContext) async throws { received.append(outcome) }
}

@Suite("Runtime: batches, follow-ups and outcome hooks")
struct BatchAndHookTests {
    @Test(arguments: StoreKind.allCases)
    func aBatchOfPipelinesEndsWithItsCallbackAfterEveryStep(kind: StoreKind) async throws {
        let clock = ManualClock()
        let conveyor = try await makeConveyor(clock: clock, store: try await kind.make())
        let summaries = Received<Int>(), marks = Received<JobOutcome>(), ends = Received<BatchOutcome>()
        conveyor.register(ImportContact(failing: [3]))
        conveyor.register(Summarise(received: summaries))
        conveyor.register(MarkContact(received: marks))
        conveyor.register(ImportFinished(received: ends))

        let (batch, jobs) = try await conveyor.enqueueBatch(
            ImportContact.self, args: (1...4).map { ImportContact.Args(contact: $0) },
            callback: BatchCallback(ImportFinished.self, args: ["user": 7]))
        #expect(jobs.count == 4 && jobs.allSatisfy { $0.batchID == batch.id && $0.hooks != nil })

        _ = try await conveyor.drain()
        #expect(Set(summaries.all) == [1, 2, 4])
        #expect(ends.all.isEmpty, "contact 3 waits for its retry")
        clock.advance(by: .seconds(1))
        _ = try await conveyor.drain()

        #expect(summaries.all.count == 3, "a failed attempt's follow-ups are dropped")
        let marked = try marks.all.map { (try $0.args.decode(ImportContact.Args.self).contact, $0.state) }
        #expect(Dictionary(uniqueKeysWithValues: marked) == [1: .completed, 2: .completed, 3: .discarded, 4: .completed])
        #expect(marks.all.first { $0.state == .discarded }?.error == "TestFailure: contact 3 is broken")
        let end = try #require(ends.all.first)
        #expect(ends.all.count == 1)
        #expect((end.total, end.completed, end.discarded, end.cancelled) == (7, 6, 1, 0), "four imports and three summaries")
        #expect(end.args == RawJSON(.object(["user": .number(7)])))
        #expect(try await conveyor.batch(id: batch.id).callbackJobID != nil)
        #expect(try await conveyor.batches().map(\.id) == [batch.id])
    }

    /// Jobs that outcomes insert (a follow-up, a hook, a batch's callback) are announced to
    /// subscribers like any enqueue.
    @Test(.timeLimit(.minutes(1)), arguments: StoreKind.allCases)
    func jobsInsertedByOutcomesArePublished(kind: StoreKind) async throws {
        let conveyor = try await makeConveyor(store: try await kind.make())
        conveyor.register(ImportContact(failing: []))
        conveyor.register(Summarise(received: Received()))
        conveyor.register(MarkContact(received: Received()))
        conveyor.register(ImportFinished(received: Received()))
        let events = conveyor.events()
        let (batch, _) = try await conveyor.enqueueBatch(ImportContact.self, args: [ImportContact.Args(contact: 1)],
                                                         callback: BatchCallback(ImportFinished.self, args: ["user": 1]))
        _ = try await conveyor.drain()
        let inserted = try await conveyor.jobs(matching: JobFilter(kinds: [Summarise.kind, MarkContact.kind, ImportFinished.kind]))
        #expect(inserted.count == 3)
        #expect(try await conveyor.batch(id: batch.id).callbackJobID != nil)
        var announced = Set<Int64>()
        for await event in events where event.kind == .inserted {
            announced.insert(event.jobID)
            if announced.isSuperset(of: inserted.map(\.id)) { break }
        }
        #expect(announced.isSuperset(of: inserted.map(\.id)))
    }

    @Test func badBatchesAreRefusedNamingTheFieldAndNothingIsStored() async throws {
        let conveyor = try await makeConveyor()
        conveyor.register(Summarise(received: Received()))
        let args: JSONValue = .object(["contact": .number(1)])
        let callback = BatchCallback(kind: "test.import_finished")
        func refusal(_ body: () async throws -> Void) async -> String? {
            do { try await body() } catch let error as ConveyorError { return error.field } catch { return "\(error)" }
            return nil
        }
        #expect(await refusal { try await conveyor.enqueueBatch([], callback: callback) } == "jobs")
        let unique = JobInsert(kind: "a.b", unique: UniqueOptions())
        #expect(await refusal { try await conveyor.enqueueBatch([JobInsert(kind: "a.b"), unique], callback: callback) } == "jobs[1].unique")
        #expect(await refusal { try await conveyor.enqueueBatch([JobInsert(kind: "a b")], callback: callback) } == "jobs[0].kind")
        #expect(await refusal { try await conveyor.enqueueBatch([JobInsert(kind: "a.b")], callback: BatchCallback(kind: "")) } == "callback.kind")
        #expect(await refusal {
            try await conveyor.enqueueBatch([JobInsert(kind: "a.b")], callback: BatchCallback(kind: "x", args: RawJSON(.array([]))))
        } == "callback.args")
        #expect(await refusal {
            try await conveyor.enqueue(kind: Summarise.kind, args: args, options: EnqueueOptions(meta: ["batch_id": .number(1)]))
        } == "meta.batch_id")
        #expect(await refusal {
            try await conveyor.enqueue(kind: Summarise.kind, args: args, options: EnqueueOptions(hooks: OutcomeHooks(discarded: OutcomeHook(kind: "x", priority: 12))))
        } == "hooks.discarded.priority")
        #expect(try await conveyor.batches().isEmpty)
        #expect(try await conveyor.jobs().isEmpty)
    }
}
