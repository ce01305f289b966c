import Logging
import Synchronization

/// Claims jobs of one queue as slots free up and runs each in a child task.
///
/// It claims as many jobs as it has free slots in one statement (while most slots are busy,
/// first letting them finish for the store's ``JobStore/claimBatchingWait``), then sleeps until
/// a job finishes, a job is inserted, the poll interval passes, or shutdown begins.
struct QueueProducer: Sendable {
    let queue: String
    let limit: Int
    let conveyor: Conveyor

    /// Whether to let running jobs finish for ``JobStore/claimBatchingWait`` before claiming:
    /// while fewer than half the slots are free and some jobs still run.
    static func waitsForSlots(free: Int, running: Int, limit: Int) -> Bool {
        free > 0 && running > 0 && free * 2 < limit
    }

    func run() async {
        guard let wake = conveyor.wakes[queue] else { return }
        let active = ActiveCount()
        let pollInterval = conveyor.configuration.pollInterval
        let timers = conveyor.timers
        await withDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await timers.sleep(for: pollInterval)
                    wake.signal()
                }
            }
            var failures = 0
            let batchingWait = conveyor.store.claimBatchingWait
            var waitedForSlots = false
            while !conveyor.isStopping, !Task.isCancelled {
                let running = active.value
                let free = limit - running
                if batchingWait > .zero, !waitedForSlots, Self.waitsForSlots(free: free, running: running, limit: limit) {
                    waitedForSlots = true
                    try? await timers.sleep(for: batchingWait)
                    continue
                }
                waitedForSlots = false
                if free > 0 {
                    let jobs: [Job]
                    let claim = conveyor.tracing.claimStarted()
                    do {
                        jobs = try await conveyor.store.claim(queue: queue, limit: free, node: conveyor.node, now: conveyor.clock.now())
                        failures = 0
                    } catch {
                        failures += 1
                        conveyor.logger.error("claim failed; retrying", metadata: ["queue": "\(queue)", "error": "\(error)"])
                        try? await timers.sleep(for: .milliseconds(min(5_000, 50 << min(failures, 7))))
                        continue
                    }
                    if jobs.isEmpty { conveyor.logger.trace("nothing to claim", metadata: ["queue": "\(queue)"]) }
                    for job in jobs {
                        active.add(1)
                        group.addTask {
                            if let ack = await conveyor.execute(job, claim: claim, deadlines: conveyor.jobDeadlines) { conveyor.acks.add(ack) }
                            active.add(-1)
                            wake.signal()
                        }
                    }
                    if jobs.count == free { continue }
                }
                await wake.wait()
            }
            await drain(active: active, wake: wake, group: &group)
        }
    }

    /// Waits for running jobs up to the grace period, then cancels the rest (they are put back).
    private func drain(active: ActiveCount, wake: WakeSignal, group: inout DiscardingTaskGroup) async {
        let timers = conveyor.timers
        let deadline = timers.now + conveyor.configuration.shutdownGracePeriod
        group.addTask {
            try? await timers.sleep(until: deadline)
            wake.signal()
        }
        while active.value > 0 {
            if timers.now >= deadline || Task.isCancelled {
                conveyor.logger.warning("grace period over; cancelling running jobs", metadata: ["queue": "\(queue)"])
                conveyor.running.stopAll(reason: .shutdown)
                break
            }
            await wake.wait()
        }
        group.cancelAll()
    }
}

/// How many jobs a producer is running; shared with the job tasks that decrement it.
final class ActiveCount: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add(_ delta: Int) { count.add(delta, ordering: .relaxed) }
}
