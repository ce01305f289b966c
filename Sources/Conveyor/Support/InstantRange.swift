package import Foundation

/// The instants Conveyor accepts and stores: from 1970-01-01T00:00:00Z to
/// 9999-12-31T23:59:59Z.
///
/// The end is the last second an RFC 3339 time (the API's format) can write. An instant that
/// comes from outside (an enqueue's time, a listing's filter, a time on the command line) is
/// checked where it enters, and refused with an error naming its field. A time computed
/// inside, such as a retry that a custom backoff puts centuries ahead, is held to the range
/// when stored, so that no conversion to a database's integer microseconds can overflow.
package enum InstantRange {
    /// 1970-01-01T00:00:00Z.
    package static let earliest = Date(timeIntervalSince1970: 0)
    /// 9999-12-31T23:59:59Z.
    package static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    /// `date`, if it lies in the range.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming `field`.
    @discardableResult
    package static func check(_ date: Date, field: String) throws(ConveyorError) -> Date {
        guard contains(date) else {
            throw .invalid(field, "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
        }
        return date
    }

    /// `date` held to the range (a date that is not a number becomes the earliest).
    package static func clamp(_ date: Date) -> Date {
        guard contains(date) else { return date > latest ? latest : earliest }
        return date
    }

    /// Compares the numbers themselves: `Date`'s `>=` is `!(<)`, which a NaN date passes.
    private static func contains(_ date: Date) -> Bool {
        let seconds = date.timeIntervalSince1970
        return seconds >= earliest.timeIntervalSince1970 && seconds <= latest.timeIntervalSince1970
    }

    /// Whole microseconds from `epoch` to `date` held to the range: what a store writes.
    /// Within the range the count stays far below `Int64.max`, so this cannot trap.
    package static func microseconds(_ date: Date, since epoch: Date) -> Int64 {
        Int64((clamp(date).timeIntervalSince(epoch) * 1_000_000).rounded())
    }
}
