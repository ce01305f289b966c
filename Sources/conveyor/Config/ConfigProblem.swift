/// One bad field of a configuration file: where it is and what is wrong with it.
struct ConfigProblem: CustomStringConvertible, Equatable {
    /// The field's path, as `queues.deals.limits.rate` or `schedules[0].cron`.
    let path: String
    let line: Int?
    let message: String

    var description: String { "\(path)\(line.map { " (line \($0))" } ?? ""): \(message)" }
}
