import Conveyor
import PostgresNIO
import Synchronization

/// Connections the store keeps leased from its pool between operations, so that the hot path
/// neither leases nor parks.
///
/// Each time a connection goes back to postgres-nio 1.33's pool, the pool starts an idle timer
/// (a task and a dispatch timer, which dispatch holds until its deadline even once cancelled)
/// and hands the lease through its own task: under a steady load about a twelfth of a node's
/// CPU. The pool's minimum of open connections, which would skip the timer, traps after a
/// server restart (decision 0004). So a few connections stay leased here instead: an operation
/// takes one and gives it back, under one lock. A holder task, a child of ``run()``, leases
/// each and lets it go back to the pool when it has not been used for ``idleRelease``, when it
/// broke, or at shutdown. When none is free, the operation uses the pool as before and asks for
/// one more to be kept, up to ``limit``.
final class KeptConnections: Sendable {
    /// One kept connection and the holder that waits to give it back to the pool.
    final class Kept: Sendable {
        let connection: PostgresConnection
        private let released = Mutex<(done: Bool, holder: CheckedContinuation<Void, Never>?)>((false, nil))

        init(_ connection: PostgresConnection) { self.connection = connection }

        /// Whether the holder's lease has ended (or is ending).
        fileprivate var isReleased: Bool { released.withLock { $0.done } }

        /// Ends the holder's lease: the connection goes back to the pool.
        fileprivate func release() {
            let holder = released.withLock { state in
                defer { state = (true, nil) }
                return state.holder
            }
            holder?.resume()
        }

        fileprivate func waitForRelease() async {
            await withCheckedContinuation { continuation in
                let done = released.withLock { state in
                    if !state.done { state.holder = continuation }
                    return state.done
                }
                if done { continuation.resume() }
            }
        }
    }

    private struct State {
        /// Free connections, the last given back at the end, with when it came back.
        var free: [(kept: Kept, since: Duration)] = []
        /// Holders alive, leasing or holding, free or in use.
        var holders = 0
        /// Holders asked for and not started yet.
        var wanted = 0
        var stopping = false
    }

    /// A connection unused this long goes back to the pool, which closes it after its own idle
    /// timeout.
    static let idleRelease: Duration = .seconds(10)

    /// The most connections kept at once: the others stay in the pool for long operations, the
    /// listener and transactions.
    let limit: Int
    private let state = Mutex(State())
    private let timers: TimerClock
    private let wanted = WakeSignal()

    /// How many are free, and how many holders are alive (free, in use or leasing).
    var counts: (free: Int, holders: Int) { state.withLock { ($0.free.count, $0.holders) } }

    init(limit: Int, timers: TimerClock) {
        self.limit = limit
        self.timers = timers
    }

    /// A free kept connection, the most recently used one; nil when none is free (one more is
    /// then asked for, unless `limit` are kept).
    func take() -> Kept? {
        let (kept, ask) = state.withLock { state -> (Kept?, Bool) in
            if let last = state.free.popLast() { return (last.kept, false) }
            guard !state.stopping, state.holders < limit else { return (nil, false) }
            state.holders += 1
            state.wanted += 1
            return (nil, true)
        }
        if ask { wanted.signal() }
        return kept
    }

    /// Gives back a connection from ``take()``; a broken one (its session ended, or it closed)
    /// goes back to the pool, which lets it go.
    func giveBack(_ kept: Kept, broken: Bool) {
        if broken || !putFree(kept) { kept.release() }
    }

    /// Puts `kept` on the free list, unless the store is stopping or its lease has ended.
    private func putFree(_ kept: Kept) -> Bool {
        let now = timers.now
        return state.withLock { state in
            guard !state.stopping, !kept.isReleased else { return false }
            state.free.append((kept, now))
            return true
        }
    }

    /// Leases the connections asked for and gives back those unused for ``idleRelease``, until
    /// cancelled; then gives back every free one, and each in use as it comes back.
    func run(leasingFrom client: PostgresClient) async {
        await withDiscardingTaskGroup { group in
            group.addTask { [timers, wanted] in
                // Looks for idle connections every second.
                while !Task.isCancelled {
                    try? await timers.sleep(for: .seconds(1))
                    wanted.signal()
                }
            }
            while !Task.isCancelled {
                let start = state.withLock { state in
                    defer { state.wanted = 0 }
                    return state.wanted
                }
                for _ in 0..<start { group.addTask { await self.hold(from: client) } }
                releaseIdle()
                await wanted.wait()
            }
            let free = state.withLock { state in
                state.stopping = true
                defer { state.free = [] }
                return state.free.map(\.kept)
            }
            for kept in free { kept.release() }
            group.cancelAll()
        }
    }

    /// Gives back to the pool every free connection unused for ``idleRelease``.
    func releaseIdle() {
        let cutoff = timers.now - Self.idleRelease
        let idle = state.withLock { state in
            defer { state.free.removeAll { $0.since <= cutoff } }
            return state.free.filter { $0.since <= cutoff }.map(\.kept)
        }
        for kept in idle { kept.release() }
    }

    /// Leases one connection and keeps it until it is released.
    private func hold(from client: PostgresClient) async {
        defer { state.withLock { $0.holders -= 1 } }
        try? await client.withConnection { connection in
            guard !connection.isClosed else { return }
            let kept = Kept(connection)
            guard putFree(kept) else { return }
            // A connection that closes is let go at once, free or in use: an operation on it
            // fails (or, on postgres-nio's dropped promise, is left behind by its deadline), and
            // a holder waiting on it would keep the store's `run()` from ending.
            connection.closeFuture.whenComplete { _ in kept.release() }
            await kept.waitForRelease()
            // A connection closed under its last operation goes back only once the close has
            // completed, when the pool has let it go (see `withConnection`).
            if connection.isClosed { try? await connection.closeFuture.get() }
        }
    }
}
