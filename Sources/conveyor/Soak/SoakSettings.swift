import Conveyor
import Foundation

/// What a soak run does, from its flags or else the environment variables outside harnesses
/// set (`DATABASE_URL`, `PRODUCER_RATE`, `PRODUCER_BATCH_MAX`, `WORKER_COUNT`, `JOB_WORK_MS`,
/// `JOB_PAYLOAD_BYTES`, `SAMPLE_EVERY_S`). Each bad value is refused naming its flag.
struct SoakSettings: Sendable {
    var database: String
    /// Jobs enqueued per second, credited on real elapsed time.
    var producerRate: Double
    /// The most jobs one enqueue call carries.
    var producerBatchMax: Int
    var workerCount: Int
    var jobWorkMilliseconds: Int
    var jobPayloadBytes: Int
    var sampleEverySeconds: Int

    init(_ command: SoakCommand, environment: [String: String]) throws(ConveyorError) {
        func number(_ flag: Int?, _ name: String, _ variable: String, default value: Int, in range: ClosedRange<Int>) throws(ConveyorError) -> Int {
            let chosen: Int
            if let flag {
                chosen = flag
            } else if let text = environment[variable] {
                guard let parsed = Int(text) else { throw ConveyorError(.invalidInput, field: name, "$\(variable) '\(text)' is not a whole number") }
                chosen = parsed
            } else {
                chosen = value
            }
            guard range.contains(chosen) else { throw ConveyorError(.invalidInput, field: name, "must be between \(range.lowerBound) and \(range.upperBound), got \(chosen)") }
            return chosen
        }
        database = command.database ?? environment["DATABASE_URL"] ?? environment["CONVEYOR_DATABASE_URL"] ?? "sqlite:conveyor-soak.sqlite"
        let rateText = command.producerRate.map { String($0) } ?? environment["PRODUCER_RATE"] ?? "100"
        guard let rate = Double(rateText), rate.isFinite, rate >= 0, rate <= 1_000_000 else {
            throw ConveyorError(.invalidInput, field: "producer-rate", "must be a number of jobs per second from 0 to 1000000, got '\(rateText)'")
        }
        producerRate = rate
        producerBatchMax = try number(command.producerBatchMax, "producer-batch-max", "PRODUCER_BATCH_MAX", default: 100, in: 1...Conveyor.maxBatchSize)
        workerCount = try number(command.workerCount, "worker-count", "WORKER_COUNT", default: 10, in: 1...10_000)
        jobWorkMilliseconds = try number(command.jobWorkMilliseconds, "job-work-ms", "JOB_WORK_MS", default: 0, in: 0...3_600_000)
        jobPayloadBytes = try number(command.jobPayloadBytes, "job-payload-bytes", "JOB_PAYLOAD_BYTES", default: 0, in: 0...1_000_000)
        sampleEverySeconds = try number(command.sampleEverySeconds, "sample-every-s", "SAMPLE_EVERY_S", default: 10, in: 1...3_600)
    }
}
