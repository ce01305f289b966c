import Conveyor
import Foundation
import Testing

@Suite("Store: unique jobs")
struct StoreUniqueTests {
    @Test(arguments: StoreKind.allCases)
    func duplicateReturnsTheExistingJob(kind: StoreKind) async throws {
        let store = try await kind.make()
        let unique = UniqueOptions()
        let first = try await store.insert([.test(args: .object(["id": .number(1)]), unique: unique)], now: epoch)[0]
        let again = try await store.insert([.test(args: .object(["id": .number(1)]), unique: unique)], now: epoch)[0]
        let other = try await store.insert([.test(args: .object(["id": .number(2)]), unique: unique)], now: epoch)[0]
        #expect(!first.isDuplicate)
        #expect(again.isDuplicate)
        #expect(again.job.id == first.job.id)
        #expect(!other.isDuplicate)
        #expect(try await store.jobs(matching: JobFilter()).count == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func keyFreesWhenTheJobLeavesTheUniqueStates(kind: StoreKind) async throws {
        let store = try await kind.make()
        let unique = UniqueOptions(states: [.available, .scheduled, .executing, .retryable])
        let first = try await store.insert([.test(unique: unique)], now: epoch)[0].job
        let claimed = try #require(try await store.claim(queue: "default", limit: 1, node: "n", now: epoch).first)
        #expect(try await store.insert([.test(unique: unique)], now: epoch)[0].isDuplicate)
        _ = try await store.acknowledge([JobAck(JobAttempt(jobID: claimed.id, attempt: 1, node: "n"), .completed(result: nil))], now: epoch)
        let second = try await store.insert([.test(unique: unique)], now: epoch)[0]
        #expect(!second.isDuplicate)
        #expect(second.job.id != first.id)
        // Retrying the completed first job would make two live jobs with one key: refused.
        await #expect(throws: ConveyorError.self) { try await store.retry(id: first.id, now: epoch) }
    }

    @Test(arguments: StoreKind.allCases)
    func periodAndKeysDecideWhatCountsAsTheSame(kind: StoreKind) async throws {
        let store = try await kind.make()
        let byAccount = UniqueOptions(by: .keys(["account"]), period: .seconds(60))
        let a = try await store.insert([.test(args: .object(["account": .number(1), "noise": .number(1)]), unique: byAccount)], now: epoch)[0]
        let b = try await store.insert([.test(args: .object(["account": .number(1), "noise": .number(2)]), unique: byAccount)], now: epoch.addingTimeInterval(30))[0]
        let c = try await store.insert([.test(args: .object(["account": .number(1)]), unique: byAccount)], now: epoch.addingTimeInterval(61))[0]
        #expect(!a.isDuplicate)
        #expect(b.isDuplicate)
        #expect(!c.isDuplicate)
        let kindOnly = UniqueOptions(by: .kindOnly)
        _ = try await store.insert([.test("singleton", args: .object(["x": .number(1)]), unique: kindOnly)], now: epoch)
        #expect(try await store.insert([.test("singleton", args: .object(["x": .number(2)]), unique: kindOnly)], now: epoch)[0].isDuplicate)
    }

    /// Many connections insert the same unique job at once: the database lets exactly one in.
    @Test(arguments: StoreKind.allCases)
    func concurrentDuplicatesInsertOnce(kind: StoreKind) async throws {
        let store = try await kind.make()
        var stores: [any JobStore] = [store]
        for _ in 1..<4 { stores.append(try await kind.reopen(store)) }
        let results = try await withThrowingTaskGroup(of: [InsertResult].self) { group in
            for inserter in stores {
                group.addTask {
                    var results: [InsertResult] = []
                    for _ in 0..<25 {
                        results += try await inserter.insert([.test(args: .object(["same": .bool(true)]), unique: UniqueOptions())], now: epoch)
                    }
                    return results
                }
            }
            return try await group.reduce(into: [InsertResult]()) { $0 += $1 }
        }
        #expect(results.filter { !$0.isDuplicate }.count == 1)
        #expect(Set(results.map(\.job.id)).count == 1)
    }

    /// Two large batches sharing every key, in opposite orders, at once from two stores: each
    /// key is stored once and both batches answer it with that job. Inserted in the order the
    /// batches were sent, each would wait for keys the other took first: a deadlock.
    @Test(arguments: StoreKind.allCases)
    func concurrentBatchesWithSharedKeysStoreEachKeyOnce(kind: StoreKind) async throws {
        let store = try await kind.make()
        let stores = [store, try await kind.reopen(store)]
        // SQLite writes one transaction at a time, so it cannot deadlock: fewer keys suffice.
        let size = kind == .postgres ? 10_000 : 1_000
        for round in 0..<2 {
            let keys = (0..<size).map { "r\(round)k\($0)" }
            let orders = [keys, keys.reversed()]
            let batches = orders.map { $0.map { JobInsert.test(args: .object(["key": .string($0)]), unique: UniqueOptions(by: .keys(["key"]))) } }
            let results = try await withThrowingTaskGroup(of: (Int, [InsertResult]).self) { group in
                for index in stores.indices {
                    let (inserter, batch) = (stores[index], batches[index])
                    group.addTask { (index, try await inserter.insert(batch, now: epoch)) }
                }
                return try await group.reduce(into: [Int: [InsertResult]]()) { $0[$1.0] = $1.1 }
            }
            let answers = stores.indices.map { index in
                Dictionary(uniqueKeysWithValues: zip(orders[index], results[index]!.map(\.job.id)))
            }
            #expect(answers[0] == answers[1])
            #expect(Set(answers[0].values).count == keys.count)
            #expect(results.values.joined().filter { !$0.isDuplicate }.count == keys.count)
        }
        #expect(try await store.queueSummaries().first?.count(.available) == 2 * size)
    }
}
