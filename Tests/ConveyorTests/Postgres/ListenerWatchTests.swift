import Conveyor
@testable import ConveyorPostgres
import ConveyorTesting
import Synchronization
import Testing

/// The listener's liveness check and its event demand, driven by a clock moved by hand: no
/// database, no sleeping.
@Suite("PostgreSQL: the listener's checks, by the clock")
struct ListenerWatchTests {
    @Test func aProbeThatDoesNotComeBackEndsTheWatch() async throws {
        let clock = ManualClock()
        let liveness = ListenerLiveness(quiet: .seconds(30), timers: TimerClock(clock.timers))
        #expect(liveness.confirm() == false, "confirmed before any doubt")
        let sent = SentMessages()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await liveness.watch { message in sent.messages.withLock { $0.append(message) } } }
            await clock.waitForSleepers()
            clock.advance(by: .seconds(30))  // quiet for 30 s: a probe goes out
            await clock.waitForSleepers()
            let probe = try #require(sent.messages.withLock { $0.first })
            liveness.heard(probe.text)  // it comes back: the connection lives
            clock.advance(by: .seconds(30))
            await clock.waitForSleepers()
            #expect(sent.messages.withLock { $0.count } == 1, "heard within the quiet time: no second probe yet")
            clock.advance(by: .seconds(30))  // quiet again: a second probe, which never comes back
            await clock.waitForSleepers()
            #expect(sent.messages.withLock { $0.count } == 2)
            clock.advance(by: .seconds(30))
            try await group.next()  // the watch returned: the connection is presumed dead
        }
    }

    @Test func otherNodesEventsAreWantedForTheLeaseAfterTheirLastAnnouncement() {
        let clock = ManualClock()
        let demand = EventDemand(timers: TimerClock(clock.timers), due: WakeSignal())
        #expect(!demand.othersWant)
        demand.heardAnnouncement()
        clock.advance(by: EventDemand.lease - .seconds(1))
        #expect(demand.othersWant)
        clock.advance(by: .seconds(1))
        #expect(!demand.othersWant)
    }

    @Test func aNodeWithSubscribersAnnouncesAtOnceThenEveryRenewal() {
        let clock = ManualClock()
        let demand = EventDemand(timers: TimerClock(clock.timers), due: WakeSignal())
        #expect(demand.nextAnnouncement == nil)
        demand.setWanted(true)
        #expect(demand.takeAnnouncement())
        #expect(!demand.takeAnnouncement())
        clock.advance(by: EventDemand.renewal)
        #expect(demand.takeAnnouncement())
        demand.heardQuestion()
        #expect(demand.takeAnnouncement(), "a question from a new listener is answered at once")
        demand.setWanted(false)
        #expect(demand.nextAnnouncement == nil)
        #expect(!demand.takeAnnouncement())
    }
}

private final class SentMessages: Sendable {
    let messages = Mutex<[NodeMessage]>([])
}
