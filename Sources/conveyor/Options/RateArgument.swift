import Conveyor

/// A rate on the command line: `COUNT/PERIOD`, as in `10/1s`, `600/1m` or `5/s`.
enum RateArgument {
    static func parse(_ text: String) throws(ConveyorError) -> RateLimit {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0]) else {
            throw ConveyorError(.invalidInput, field: "rate", "'\(text)' is not a rate; use COUNT/PERIOD, as in 10/1s or 600/1m")
        }
        let period = parts[1].first?.isLetter == true ? "1" + parts[1] : String(parts[1])
        let rate = RateLimit(count: count, period: try DurationArgument.parse(period, field: "rate"))
        try rate.validate()
        return rate
    }
}
