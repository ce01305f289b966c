import Foundation

/// Decides when the leader looks for a long transaction, and what it says about one.
///
/// It looks at most once per `checkEvery`, warns when the oldest transaction has been open for
/// `warnAfter`, says so again every `repeatEvery` while the same one lasts (a warning logged
/// once is easily missed), and says once that it ended.
struct LongTransactionWatch {
    enum Finding: Equatable {
        /// `snapshot` has been open for `age`.
        case held(HeldSnapshot, age: Duration)
        /// The transaction last warned about has ended.
        case ended(HeldSnapshot)
    }

    let warnAfter: Duration
    var checkEvery: Duration = .seconds(30)
    var repeatEvery: Duration = .seconds(900)

    private var lastLook: Date?
    private var warned: (snapshot: HeldSnapshot, at: Date)?

    init(warnAfter: Duration) {
        self.warnAfter = warnAfter
    }

    /// Whether to ask the store now. A yes counts as a look whatever the store answers: a
    /// store that cannot answer is asked again at the next look, not at every pass.
    mutating func lookIfDue(now: Date) -> Bool {
        if let lastLook, now.timeIntervalSince(lastLook) < checkEvery.seconds { return false }
        lastLook = now
        return true
    }

    /// What to say of `oldest`, the store's answer at `now`; nil when there is nothing to say.
    /// A new holder is warned about at once; the one before it needs no word of its end.
    mutating func check(_ oldest: HeldSnapshot?, now: Date) -> Finding? {
        guard let oldest, now.timeIntervalSince(oldest.since) >= warnAfter.seconds else {
            defer { warned = nil }
            return warned.map { .ended($0.snapshot) }
        }
        if let warned, Self.same(warned.snapshot, oldest), now.timeIntervalSince(warned.at) < repeatEvery.seconds { return nil }
        warned = (oldest, now)
        return .held(oldest, age: .seconds(now.timeIntervalSince(oldest.since)))
    }

    /// The same transaction: the same session, begun at the same time.
    private static func same(_ a: HeldSnapshot, _ b: HeldSnapshot) -> Bool {
        a.holder == b.holder && a.since == b.since
    }
}
