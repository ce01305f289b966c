import Conveyor
import Foundation
import Testing

@Suite("Store: insert and read")
struct StoreInsertTests {
    @Test(arguments: StoreKind.allCases)
    func insertedJobReadsBackWithEveryField(kind: StoreKind) async throws {
        let store = try await kind.make()
        let insert = JobInsert(kind: "mail.send", queue: "mail", args: RawJSON(.object(["to": .string("ädá@example.com"), "n": .number(3)])),
                               priority: 4, maxAttempts: 7, tags: ["a", "b \"quoted\", {braced}", "back\\slash", ""],
                               meta: RawJSON(.object(["trace": .string("x")])))
        let result = try await store.insert([insert], now: epoch)[0]
        #expect(!result.isDuplicate)
        let job = try #require(try await store.job(id: result.job.id))
        #expect(job == result.job)
        #expect(job.kind == "mail.send")
        #expect(job.queue == "mail")
        #expect(job.state == .available)
        #expect(job.priority == 4)
        #expect(job.maxAttempts == 7)
        #expect(job.attempt == 0)
        #expect(job.args.value == .object(["to": .string("ädá@example.com"), "n": .number(3)]))
        #expect(job.meta.value["trace"] == .string("x"))
        #expect(job.tags == ["a", "b \"quoted\", {braced}", "back\\slash", ""])
        #expect(job.insertedAt == epoch)
        #expect(job.scheduledAt == epoch)
        #expect(job.errors.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func futureJobsAreScheduled(kind: StoreKind) async throws {
        let store = try await kind.make()
        let job = try await store.insert([.test(scheduledAt: epoch.addingTimeInterval(60))], now: epoch)[0].job
        #expect(job.state == .scheduled)
        #expect(try await store.claim(queue: "default", limit: 10, node: "n", now: epoch).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func bulkInsertKeepsOrderAndIsAtomic(kind: StoreKind) async throws {
        let store = try await kind.make()
        let results = try await store.insert((0..<500).map { .test(args: .object(["n": .number(Double($0))])) }, now: epoch)
        #expect(results.map { $0.job.args.value["n"] } == (0..<500).map { JSONValue.number(Double($0)) })
        // A row the database refuses (priority out of range) rolls back the whole batch.
        // Small and large batches take different paths on PostgreSQL (INSERT, COPY).
        var bad = JobInsert.test()
        bad.priority = 42
        await #expect(throws: (any Error).self) { try await store.insert([.test(), bad], now: epoch) }
        var large = (0..<1_600).map { _ in JobInsert.test() }
        large[1_550] = bad
        await #expect(throws: (any Error).self) { try await store.insert(large, now: epoch) }
        #expect(try await store.allJobs().count == 500)
        // The store is still usable after a refused batch.
        #expect(try await store.insert((0..<1_600).map { _ in .test() }, now: epoch).count == 1_600)
    }

    /// Every field of every job in a large batch reads back as the insert answered it:
    /// texts that need escaping, dates far apart with odd microseconds, mixed states. Sizes on
    /// both sides of PostgreSQL's COPY threshold (1,000), so both of its paths are read back.
    @Test(arguments: StoreKind.allCases, [400, 1_600])
    func largeBatchReadsBackWithEveryField(kind: StoreKind, count: Int) async throws {
        let store = try await kind.make()
        var random = SplitMix64(seed: 7)
        let texts = ["plain", "tab\there", "new\nline\r\n", "back\\slash \\N", "quote \" {brace} ,comma", "é日😀", "", "\\"]
        func text() -> String { texts[Int(random.next() % UInt64(texts.count))] }
        let inserts = (0..<count).map { index in
            let scheduledAt: Date? = switch index % 4 {
            case 0: nil
            case 1: epoch.addingTimeInterval(Double(random.next() % 10_000_000_000) / 1_000_000)
            case 2: Date(timeIntervalSince1970: Double(random.next() % 4_000_000_000_000_000) / 1_000_000)
            default: epoch.addingTimeInterval(-Double(random.next() % 1_000_000))
            }
            return JobInsert(
                kind: "kind.\(index % 5)", queue: index % 3 == 0 ? "mail" : "default",
                args: RawJSON(.object(["text": .string(text()), "n": .number(Double(index)), "list": .array([.string(text()), .null, .bool(true)])])),
                priority: index % 10, maxAttempts: 1 + index % 25, scheduledAt: scheduledAt,
                tags: (0..<Int(random.next() % 3)).map { _ in text() }, meta: RawJSON(.object(["m": .string(text())])))
        }
        let results = try await store.insert(inserts, now: epoch)
        #expect(results.count == inserts.count)
        #expect(Set(results.map(\.job.id)).count == inserts.count)
        #expect(results.map(\.job.id) == results.map(\.job.id).sorted(), "ids follow the order the jobs were given")
        let storedByID = Dictionary(uniqueKeysWithValues: try await store.allJobs().map { ($0.id, $0) })
        for (insert, result) in zip(inserts, results) {
            let stored = try #require(storedByID[result.job.id])
            #expect(stored == result.job)
            #expect(stored.args == insert.args)
            #expect(stored.tags == insert.tags)
            #expect(stored.state == ((insert.scheduledAt ?? epoch) > epoch ? .scheduled : .available))
        }
    }

    /// A large batch in which no job has meta or tags, and one in which a single job has
    /// each: every job reads back as the insert answered it (PostgreSQL leaves the two
    /// columns out of the first batch's `COPY`).
    @Test(arguments: StoreKind.allCases)
    func largeBatchWithAndWithoutMetaAndTags(kind: StoreKind) async throws {
        let store = try await kind.make()
        let plain = (0..<1_600).map { JobInsert.test(args: .object(["n": .number(Double($0))])) }
        var mixed = plain
        mixed[150].tags = ["only", "here"]
        mixed[1_599].meta = RawJSON(.object(["trace": .string("t-1")]))
        var answered: [Job] = []
        for batch in [plain, mixed] {
            answered += try await store.insert(batch, now: epoch).map(\.job)
        }
        let stored = try await store.allJobs().sorted { $0.id < $1.id }
        #expect(stored == answered.sorted { $0.id < $1.id })
        #expect(stored.count == 3_200)
        #expect(stored.filter { !$0.tags.isEmpty }.map(\.tags) == [["only", "here"]])
        #expect(stored.filter { $0.meta.value != .object([:]) }.map { $0.meta.value["trace"] } == [.string("t-1")])
        #expect(stored[150].tags.isEmpty, "the first batch's jobs keep the default, empty tags")
    }

    @Test(arguments: StoreKind.allCases)
    func filtersAndCursorPaging(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert((0..<30).map { index in
            .test(index % 2 == 0 ? "even" : "odd", queue: index < 10 ? "q1" : "q2", tags: index % 3 == 0 ? ["third"] : [])
        }, now: epoch)
        #expect(try await store.jobs(matching: JobFilter(kinds: ["even"])).count == 15)
        #expect(try await store.jobs(matching: JobFilter(queues: ["q1"])).count == 10)
        #expect(try await store.jobs(matching: JobFilter(tags: ["third"])).count == 10)
        #expect(try await store.jobs(matching: JobFilter(states: [.completed])).isEmpty)
        let first = try await store.jobs(matching: JobFilter(limit: 12))
        let second = try await store.jobs(matching: JobFilter(beforeID: first.last?.id, limit: 12))
        let third = try await store.jobs(matching: JobFilter(beforeID: second.last?.id, limit: 12))
        let ids = (first + second + third).map(\.id)
        #expect(ids.count == 30)
        #expect(Set(ids).count == 30)
        #expect(ids == ids.sorted(by: >))
    }
}
