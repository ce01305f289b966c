@testable import Conveyor
import Foundation
import Testing

/// When the leader looks for a long transaction and what it says, by the clock.
@Suite("Maintenance: warnings about long transactions")
struct LongTransactionWatchTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    @Test func warnsOnceOverTheThresholdAgainLaterAndSaysWhenItEnds() {
        var watch = LongTransactionWatch(warnAfter: .seconds(300))
        let held = HeldSnapshot(holder: "4242", since: start, state: "idle in transaction")

        #expect(watch.check(held, now: at(299)) == nil, "under the threshold")
        #expect(watch.check(held, now: at(329)) == .held(held, age: .seconds(329)))
        #expect(watch.check(held, now: at(900)) == nil, "the same transaction, warned about a moment ago")
        #expect(watch.check(held, now: at(1_229)) == .held(held, age: .seconds(1_229)), "still there a quarter of an hour later")
        #expect(watch.check(nil, now: at(1_300)) == .ended(held))
        #expect(watch.check(nil, now: at(1_400)) == nil, "its end is said once")
    }

    @Test func theStoreIsAskedAtMostEveryThirtySecondsWhateverItAnswers() {
        var watch = LongTransactionWatch(warnAfter: .seconds(300))
        let looks = [0, 29, 30, 31].map { watch.lookIfDue(now: at($0)) }
        // The look at 30 s counts even if the store then fails to answer it.
        #expect(looks == [true, false, true, false])
    }

    @Test func aNewHolderIsWarnedAboutAtOnce() {
        var watch = LongTransactionWatch(warnAfter: .seconds(60))
        let first = HeldSnapshot(holder: "1", since: start)
        let second = HeldSnapshot(holder: "2", since: at(10))
        #expect(watch.check(first, now: at(100)) == .held(first, age: .seconds(100)))
        #expect(watch.check(second, now: at(130)) == .held(second, age: .seconds(120)))
        // The same session in a later transaction is a new one too.
        let again = HeldSnapshot(holder: "2", since: at(50))
        #expect(watch.check(again, now: at(160)) == .held(again, age: .seconds(110)))
    }

    @Test func aYoungTransactionAfterAnOldOneEndsTheWarning() {
        var watch = LongTransactionWatch(warnAfter: .seconds(60))
        let old = HeldSnapshot(holder: "1", since: start)
        #expect(watch.check(old, now: at(100)) != nil)
        #expect(watch.check(HeldSnapshot(holder: "3", since: at(95)), now: at(130)) == .ended(old))
    }

    @Test func theSettingIsCheckedByName() {
        var configuration = ConveyorConfiguration()
        configuration.longTransactionWarning = .milliseconds(10)
        let error = #expect(throws: ConveyorError.self) { try configuration.validate() }
        #expect(error?.field == "longTransactionWarning")
        configuration.longTransactionWarning = nil
        #expect(throws: Never.self) { try configuration.validate() }
    }
}
