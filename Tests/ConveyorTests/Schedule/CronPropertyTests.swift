import Conveyor
import Foundation
import Testing

/// For random valid expressions, zones and start times, ``CronExpression/nextFire(after:in:)``
/// equals what stepping through time minute by minute finds. The stepping reference is
/// written from Debian cron's rules directly and shares no code with the search.
@Suite("Cron: next fire against minute-by-minute stepping")
struct CronPropertyTests {
    static let zones = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC",
                        "America/Sao_Paulo", "Europe/Berlin"]
    /// Zones with their 2026 changes (Lord Howe shifts by half an hour, Chatham at :45).
    static let changes: [(zone: String, at: [TimeInterval])] = [
        ("America/New_York", [1_772_953_200, 1_793_512_800]), ("Europe/London", [1_774_746_000, 1_792_890_000]),
        ("Australia/Lord_Howe", [1_775_314_800, 1_791_041_400]), ("Pacific/Chatham", [1_775_311_200, 1_790_431_200]),
        ("Europe/Berlin", [1_774_746_000, 1_792_890_000]),
    ]

    @Test(arguments: 0..<16)
    func nextFireMatchesSteppingThroughTime(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<60 {
            let expression = Self.randomExpression(&random)
            let zoneName: String, base: TimeInterval
            if random.next() % 3 == 0 {
                // Anywhere in 2026, any zone.
                zoneName = Self.zones[Int(random.next() % UInt64(Self.zones.count))]
                base = 1_767_225_600 + Double(random.next() % 31_536_000)
            } else {
                // Within 16 hours before one of the zone's own changes.
                let pick = Self.changes[Int(random.next() % UInt64(Self.changes.count))]
                zoneName = pick.zone
                base = pick.at[Int(random.next() % 2)] - Double(random.next() % 57_600)
            }
            let zone = TimeZone(identifier: zoneName)!
            let start = Date(timeIntervalSince1970: base.rounded(.down))
            let cron = try CronExpression(expression)
            let horizon: TimeInterval = 3 * 86_400
            let expected = SteppingReference(expression: expression, zone: zone).firstFire(after: start, within: horizon)
            let actual = cron.nextFire(after: start, in: zone)
            if let expected {
                #expect(actual == expected, "'\(expression)' in \(zone.identifier) after \(start.formatted(.iso8601))")
            } else {
                #expect(actual.map { $0.timeIntervalSince(start) > horizon - 60 } ?? true,
                        "'\(expression)' in \(zone.identifier) after \(start.formatted(.iso8601)): \(String(describing: actual)) but stepping found none")
            }
        }
    }

    /// Fields drawn so that most expressions fire within the stepping horizon, with every
    /// syntax form (lists, ranges, steps, names, 7 for Sunday, both day rules).
    static func randomExpression(_ random: inout SplitMix64) -> String {
        func pick(_ options: [String]) -> String { options[Int(random.next() % UInt64(options.count))] }
        let minute = pick(["*", "*/7", "*/15", "0", "30", "45", "0,30", "5-10", "10-50/20", "59", "*/1"])
        let hour = pick(["*", "*/2", "*/5", "0", "1", "2", "3", "1,2,3", "0-3", "22-23", "12", "1-4/2", "1-2"])
        let day = pick(["*", "*", "*", "*/2", "1-15", "13", "1,15,28", "2-31/3"])
        let month = pick(["*", "*", "*", "1-12", "3,4,10,11", "mar-apr", "*/3"])
        let weekday = pick(["*", "*", "*", "0", "7", "1-5", "mon-fri", "sat,sun", "*/2", "thu"])
        return [minute, hour, day, month, weekday].joined(separator: " ")
    }
}

/// Debian cron's behaviour, step by step: at each minute it runs what matches the wall clock;
/// when the clock has jumped forward since the last minute it also runs fixed-time jobs whose
/// times were skipped; when it has gone back, fixed-time jobs do not run a second time.
struct SteppingReference {
    let fields: [Set<Int>]
    let dayOfMonthStar: Bool, dayOfWeekStar: Bool, wildcard: Bool
    let zone: TimeZone

    init(expression: String, zone: TimeZone) {
        let parts = expression.split(separator: " ").map(String.init)
        let ranges = [0...59, 0...23, 1...31, 1...12, 0...7]
        let names = [[], [], [], ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
                     ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]]
        fields = (0..<5).map { Self.values(parts[$0], ranges[$0], names[$0]) }
        dayOfMonthStar = parts[2].hasPrefix("*")
        dayOfWeekStar = parts[4].hasPrefix("*")
        wildcard = parts[0].hasPrefix("*") || parts[1].hasPrefix("*")
        self.zone = zone
    }

    static func values(_ text: String, _ range: ClosedRange<Int>, _ names: [String]) -> Set<Int> {
        var result = Set<Int>()
        for element in text.split(separator: ",") {
            let pieces = element.split(separator: "/")
            let step = pieces.count == 2 ? Int(pieces[1])! : 1
            let bounds = pieces[0] == "*" ? [range.lowerBound, range.upperBound]
                : pieces[0].split(separator: "-").map { Int($0) ?? (names.firstIndex(of: String($0))! + range.lowerBound) }
            result.formUnion(stride(from: bounds[0], through: bounds.count == 2 ? bounds[1] : bounds[0], by: step))
        }
        if range.upperBound == 7, result.contains(7) { result.insert(0) }
        return result
    }

    func matches(_ wall: DateComponents) -> Bool {
        let weekday = wall.weekday! - 1
        let day = fields[2].contains(wall.day!), dow = fields[4].contains(weekday)
        return fields[0].contains(wall.minute!) && fields[1].contains(wall.hour!) && fields[3].contains(wall.month!)
            && (dayOfMonthStar || dayOfWeekStar ? day && dow : day || dow)
    }

    func firstFire(after start: Date, within horizon: TimeInterval) -> Date? {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        func offset(_ instant: Double) -> Double { Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))) }
        /// The wall clock at `instant`, as calendar fields.
        func wall(_ instant: Double) -> DateComponents { wallFields(instant + offset(instant)) }
        func wallFields(_ wallSeconds: Double) -> DateComponents {
            utc.dateComponents([.month, .day, .hour, .minute, .weekday], from: Date(timeIntervalSince1970: wallSeconds))
        }
        var minute = (start.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        let end = start.timeIntervalSince1970 + horizon
        while minute <= end {
            defer { minute += 60 }
            if wildcard {
                if matches(wall(minute)) { return Date(timeIntervalSince1970: minute) }
                continue
            }
            // Not a second pass over wall times already shown before the clock went back.
            let earlier = offset(minute - 3 * 3_600)
            let repeated = earlier > offset(minute) && offset(minute - (earlier - offset(minute))) == earlier
            if matches(wall(minute)), !repeated { return Date(timeIntervalSince1970: minute) }
            // Just after a forward jump: the skipped wall-clock minutes run now.
            let jump = offset(minute) - offset(minute - 60)
            if jump > 0 {
                let firstSkipped = minute - 60 + offset(minute - 60) + 60
                for index in 0..<Int(jump / 60) where matches(wallFields(firstSkipped + Double(index * 60))) {
                    return Date(timeIntervalSince1970: minute)
                }
            }
        }
        return nil
    }
}

/// A small seeded generator, so a failing case can be run again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
