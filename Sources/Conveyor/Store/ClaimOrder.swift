package import Foundation

extension Job {
    /// The order claims take jobs in and start them in: highest priority (lowest number)
    /// first, then the earliest due, then the oldest. A claim's SQL chooses by it; a store
    /// sorts what the claim returned by it, since `RETURNING` promises no order.
    package static func claimOrder(_ first: Job, _ second: Job) -> Bool {
        (first.priority, first.scheduledAt, first.id) < (second.priority, second.scheduledAt, second.id)
    }
}

extension QueueLimits {
    /// Where the rate window ending at `now` starts; nil without a rate limit.
    package func rateWindowStart(now: Date) -> Date? {
        rate.map { now.addingTimeInterval(-Double($0.periodMicros) / 1_000_000) }
    }
}
