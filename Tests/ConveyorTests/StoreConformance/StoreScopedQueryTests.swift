import Conveyor
import Foundation
import Testing

@Suite("Store: jobs chosen by several tags and by args")
struct StoreScopedQueryTests {
    /// Seed 004's jobs: per agent and source, with args naming the source. Returns the ids of
    /// the jobs of agent 7 and source s-12.
    func insertSourceJobs(_ store: any JobStore) async throws -> (all: [Job], agent7source12: Set<Int64>) {
        var inserts: [JobInsert] = []
        for agent in [7, 8] {
            for source in ["s-12", "s-13"] {
                for page in 0..<3 {
                    let args: JSONValue = .object([
                        "source_id": .string(source), "page": .number(Double(page)), "agent": .number(Double(agent)),
                        "options": .object(["lang": .string(page == 0 ? "en" : "de"), "deep": .bool(page == 2), "note": .null]),
                        "chunks": .array([.number(1), .number(2)]),
                    ])
                    inserts.append(JobInsert(kind: "process_text", args: RawJSON(args), tags: ["agent:\(agent)", "source:\(source)", "p\(page)"]))
                }
            }
        }
        // Keys that a JSON path would have to quote.
        inserts.append(JobInsert(kind: "odd", args: RawJSON(.object(["a\"b": .string("q"), "": .object(["x.y": .number(1)])]))))
        // A job that mentions s-12 only as a nested value, or as a number-like string: no match.
        inserts.append(JobInsert(kind: "process_text", args: RawJSON(.object(["other": .object(["source_id": .string("s-12")])])), tags: ["agent:7"]))
        inserts.append(JobInsert(kind: "process_text", args: RawJSON(.object(["source_id": .string("s-12"), "page": .string("1")])), tags: ["agent:7"]))
        let all = try await store.insert(inserts, now: epoch).map(\.job)
        let matching = all.filter { $0.tags.contains("agent:7") && $0.tags.contains("source:s-12") && $0.kind == "process_text" }
        return (all, Set(matching.map(\.id)))
    }

    @Test(arguments: StoreKind.allCases)
    func listAndCountByTwoTagsAndByArgs(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (all, expected) = try await insertSourceJobs(store)
        #expect(expected.count == 3)

        let byTags = JobFilter(tags: ["agent:7", "source:s-12"])
        #expect(Set(try await store.jobs(matching: byTags).map(\.id)) == expected)
        #expect(try await store.countJobs(matching: byTags) == 3)
        #expect(try await store.countJobs(matching: JobFilter(tags: ["agent:7"])) == 8)

        let byArgs = JobFilter(args: ["source_id": "s-12", "agent": 7])
        #expect(Set(try await store.jobs(matching: byArgs).map(\.id)) == expected)
        #expect(try await store.countJobs(matching: byArgs) == 3)

        let nested = JobFilter(args: .object(["source_id": .string("s-12"), "options": .object(["lang": .string("de"), "deep": .bool(true)])]))
        let deep = all.filter { $0.tags.contains("source:s-12") && $0.tags.contains("p2") }
        #expect(Set(try await store.jobs(matching: nested).map(\.id)) == Set(deep.map(\.id)))
        #expect(try await store.countJobs(matching: JobFilter(args: .object(["options": .object(["note": .null])]))) == 12, "null matches a null value")
        #expect(try await store.countJobs(matching: JobFilter(args: .object(["page": .number(1)]))) == 4, "a number does not match the string \"1\"")
        #expect(try await store.countJobs(matching: JobFilter(args: .object(["page": .string("1")]))) == 1)
        #expect(try await store.countJobs(matching: JobFilter(args: .object(["missing": .null]))) == 0, "an absent key is not null")

        let odd = try await store.jobs(matching: JobFilter(args: .object(["a\"b": .string("q"), "": .object(["x.y": .number(1)])])))
        #expect(odd.map(\.kind) == ["odd"], "keys with quotes, dots or nothing match as written")
        #expect(try await store.countJobs(matching: JobFilter(args: .object(["a": .string("q")]))) == 0)

        #expect(try await store.countJobs(matching: JobFilter(args: .object(["chunks": .array([.number(2)])]))) == 12, "an array contains its elements")
        #expect(try await store.countJobs(matching: JobFilter(args: .object(["chunks": .array([.number(3)])]))) == 0)
        #expect(try await store.countJobs(matching: JobFilter(args: .object(["chunks": .number(1)]))) == 0, "an array does not contain a bare value")
        #expect(try await store.countJobs(matching: JobFilter(args: .object(["options": .object([:])]))) == 12, "any object contains {}")
        #expect(try await store.countJobs(matching: JobFilter(args: .object(["source_id": .string("s\u{0}12")]))) == 0, "a NUL matches nothing")

        let both = JobFilter(tags: ["p0"], args: .object(["agent": .number(7), "source_id": .string("s-12")]), limit: 1)
        #expect(try await store.jobs(matching: both).count == 1)
        #expect(try await store.countJobs(matching: both) == 1, "a count ignores the limit")
        let paged = JobFilter(tags: ["agent:7"], beforeID: all[3].id)
        #expect(try await store.countJobs(matching: paged) == 3, "a count honours the cursor")
    }

    /// Cancelling by two tags and by args, then retrying the same way, touches exactly the
    /// matching jobs.
    @Test(arguments: StoreKind.allCases)
    func cancelAndRetryByTwoTagsAndArgsTouchOnlyTheMatchingJobs(kind: StoreKind) async throws {
        let store = try await kind.make()
        let conveyor = try await makeConveyor(store: store)
        let (all, expected) = try await insertSourceJobs(store)
        let filter = JobFilter(tags: ["agent:7", "source:s-12"], args: .object(["source_id": .string("s-12")]))
        let cancelled = try await conveyor.cancelJobs(matching: filter, reason: "source deleted")
        #expect(Set(cancelled.map(\.id)) == expected)
        for job in all {
            let now = try await conveyor.job(id: job.id)
            #expect(now.state == (expected.contains(job.id) ? .cancelled : .available), "job \(job.id) \(job.tags)")
        }
        let retried = try await conveyor.retryJobs(matching: JobFilter(tags: ["agent:7", "p1"], args: .object(["source_id": .string("s-12")])))
        #expect(retried.count == 1 && expected.contains(retried[0].id))
        #expect(try await conveyor.countJobs(matching: JobFilter(states: [.cancelled])) == 2)
        // Deleting by the same filter removes the matching jobs, and only them.
        let deleted = try await conveyor.deleteJobs(matching: filter)
        #expect(Set(deleted.map(\.id)) == expected)
        #expect(try await conveyor.countJobs(matching: JobFilter()) == all.count - expected.count)
        await #expect(throws: ConveyorError.self) { try await conveyor.deleteJobs(matching: JobFilter()) }
    }

    /// PostgreSQL answers with `@>`, SQLite with the core's rule: the same answers.
    @Test(arguments: StoreKind.allCases)
    func everyStoreAnswersContainmentAlike(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert([JobInsert(kind: "doc", args: RawJSON(try JSONValue(parsing: JSONContainsTests.document, field: "t")))], now: epoch)
        for (filter, expected) in JSONContainsTests.cases {
            #expect(try await store.countJobs(matching: JobFilter(args: try JSONValue(parsing: filter, field: "t"))) == (expected ? 1 : 0), "\(filter)")
        }
    }

    /// A schedule's runs: the jobs whose meta names it, whatever else their meta holds.
    @Test(arguments: StoreKind.allCases)
    func listCountAndCancelTheJobsOfASchedule(kind: StoreKind) async throws {
        let store = try await kind.make()
        func fired(by schedule: String, extra: [String: JSONValue] = [:]) -> JobInsert {
            JobInsert(kind: "report", meta: RawJSON(.object(["schedule": .string(schedule), "fire_at": .string("2026-12-07T08:00:00Z")].merging(extra) { $1 })))
        }
        let jobs = try await store.insert([fired(by: "nightly"), fired(by: "hourly"), fired(by: "nightly", extra: ["batch_id": .number(9)]),
                                           JobInsert(kind: "report", args: RawJSON(.object(["schedule": .string("nightly")])))], now: epoch).map(\.job)
        let nightly = JobFilter(schedule: "nightly")
        #expect(Set(try await store.jobs(matching: nightly).map(\.id)) == [jobs[0].id, jobs[2].id])
        #expect(try await store.countJobs(matching: nightly) == 2)
        #expect(try await store.jobs(matching: JobFilter(schedule: "weekly")).isEmpty)
        #expect(throws: ConveyorError.self) { try JobFilter(schedule: "bad name").validate() }
    }

    @Test(arguments: StoreKind.allCases)
    func badArgsFiltersAreRefusedNamingTheField(kind: StoreKind) async throws {
        let store = try await kind.make()
        let cases: [(JSONValue, String)] = [
            (.array([.string("s-12")]), "args"),
            (.string("s-12"), "args"),
        ]
        for (args, field) in cases {
            do {
                _ = try await store.jobs(matching: JobFilter(args: args))
                Issue.record("\(args) was taken")
            } catch let error as ConveyorError {
                #expect(error.field == field, "\(args): \(error)")
            }
        }
    }
}
