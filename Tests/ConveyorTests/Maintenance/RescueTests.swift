@testable import Conveyor
import Foundation
import Testing

@Suite("Maintenance: what a rescue stores")
struct RescueTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func anOrphanWithAttemptsLeftRunsAgainAtOnceWithTheAttemptCounted() {
        let orphan = OrphanedAttempt(attempt: JobAttempt(jobID: 7, attempt: 2, node: "node-dead"), maxAttempts: 3, queue: "crm")
        let change = AckChange(orphan.rescue(now: now), now: now)
        #expect(change.state == .available)
        #expect(change.scheduledAt == now)
        #expect(change.attemptsGivenBack == 0)
        #expect(change.error?.message == "rescued: node node-dead stopped heartbeating while running this attempt")
    }

    @Test func anOrphanOutOfAttemptsIsDiscarded() {
        let orphan = OrphanedAttempt(attempt: JobAttempt(jobID: 7, attempt: 3, node: "n"), maxAttempts: 3, queue: "crm")
        let change = AckChange(orphan.rescue(now: now), now: now)
        #expect(change.state == .discarded)
        #expect(change.finishedAt == now)
        #expect(change.error?.attempt == 3)
    }
}
