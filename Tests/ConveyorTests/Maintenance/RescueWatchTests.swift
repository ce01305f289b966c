@testable import Conveyor
import Foundation
import Testing

@Suite("Maintenance: when silence means a node is dead")
struct RescueWatchTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aLeaderCountsSilenceOnlyWhileItCouldReachTheDatabase() {
        var watch = RescueWatch(startedAt: start)
        let rescueAfter = Duration.seconds(10)
        #expect(watch.cutoff(now: start.addingTimeInterval(9), rescueAfter: rescueAfter) == nil)
        #expect(watch.cutoff(now: start.addingTimeInterval(10), rescueAfter: rescueAfter) == start)

        // The database is away from 20 s to 40 s: no node could heartbeat then.
        watch.storeFailed()
        #expect(watch.cutoff(now: start.addingTimeInterval(30), rescueAfter: rescueAfter) == nil)
        watch.storeAnswered(asked: start.addingTimeInterval(40), answered: start.addingTimeInterval(40), slowest: .seconds(5))
        watch.storeAnswered(asked: start.addingTimeInterval(45), answered: start.addingTimeInterval(45.5), slowest: .seconds(5))
        #expect(watch.cutoff(now: start.addingTimeInterval(49.9), rescueAfter: rescueAfter) == nil,
                "the nodes get rescueAfter from the database's return to heartbeat again")
        #expect(watch.cutoff(now: start.addingTimeInterval(50), rescueAfter: rescueAfter) == start.addingTimeInterval(40))
    }

    /// While the database is away a request may wait for a connection rather than fail: an
    /// answer slower than `slowest` (half of rescueAfter) starts the count again.
    @Test func aSlowAnswerCountsAsAnOutage() {
        var watch = RescueWatch(startedAt: start)
        watch.storeAnswered(asked: start.addingTimeInterval(20), answered: start.addingTimeInterval(40), slowest: .seconds(5))
        #expect(watch.cutoff(now: start.addingTimeInterval(45), rescueAfter: .seconds(10)) == nil)
        watch.storeAnswered(asked: start.addingTimeInterval(50), answered: start.addingTimeInterval(50.1), slowest: .seconds(5))
        #expect(watch.cutoff(now: start.addingTimeInterval(50.1), rescueAfter: .seconds(10)) == start.addingTimeInterval(40.1))
    }
}
