import Conveyor
import Foundation

/// The soak's job: it records how long it waited to start, works for the configured time
/// (sleeping, as a job waiting on a remote service does) and counts its completion.
struct SoakWorker: JobWorker {
    struct Args: Codable, Sendable {
        var payload: String
    }

    static let kind = "soak.work"
    static let queue = "soak"
    static let options = JobOptions(queue: queue, maxAttempts: 3)
    let workTime: Duration
    let stats: SoakStats

    func perform(_ args: Args, context: JobContext) async throws {
        let now = Date()
        stats.started(pickupMilliseconds: max(0, now.timeIntervalSince(context.job.scheduledAt)) * 1_000, at: now)
        if workTime > .zero { try await Task.sleep(for: workTime) }
        stats.completed()
    }
}
