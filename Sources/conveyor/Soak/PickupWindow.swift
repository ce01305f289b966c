import Foundation

/// Pickup latencies of the last `seconds` seconds in fixed memory: one histogram per second in
/// a ring, each with log-spaced buckets (5 % apart) from 10 µs to about 17 minutes. A
/// percentile is read from the merged buckets, exact to a bucket's width.
struct PickupWindow {
    static let lowest = 0.01
    static let growth = 1.05
    static let bucketCount = 400

    private let seconds: Int
    private var slots: [[UInt32]]
    /// The second (since 1970) each slot holds.
    private var slotSecond: [Int]

    init(seconds: Int) {
        self.seconds = seconds
        slots = Array(repeating: Array(repeating: 0, count: Self.bucketCount), count: seconds)
        slotSecond = Array(repeating: -1, count: seconds)
    }

    static func bucket(ofMilliseconds value: Double) -> Int {
        guard value > lowest else { return 0 }
        return min(bucketCount - 1, Int((log(value / lowest) / log(growth)).rounded(.up)))
    }

    /// The top of bucket `index`, in milliseconds.
    static func upperBound(ofBucket index: Int) -> Double { lowest * pow(growth, Double(index)) }

    mutating func record(milliseconds: Double, atSecond second: Int) {
        let slot = second % seconds
        if slotSecond[slot] != second {
            slots[slot] = Array(repeating: 0, count: Self.bucketCount)
            slotSecond[slot] = second
        }
        slots[slot][Self.bucket(ofMilliseconds: milliseconds)] += 1
    }

    /// The latencies recorded in the `seconds` seconds up to `second`, as percentiles.
    func percentiles(_ fractions: [Double], atSecond second: Int) -> (values: [Double], samples: Int) {
        var merged = Array(repeating: 0, count: Self.bucketCount)
        for (slot, held) in slotSecond.enumerated() where held > second - seconds && held <= second {
            for (index, count) in slots[slot].enumerated() { merged[index] += Int(count) }
        }
        let total = merged.reduce(0, +)
        guard total > 0 else { return (fractions.map { _ in 0 }, 0) }
        let values = fractions.map { fraction -> Double in
            let rank = max(1, Int((fraction * Double(total)).rounded(.up)))
            var seen = 0
            for (index, count) in merged.enumerated() {
                seen += count
                if seen >= rank { return Self.upperBound(ofBucket: index) }
            }
            return Self.upperBound(ofBucket: Self.bucketCount - 1)
        }
        return (values, total)
    }
}
