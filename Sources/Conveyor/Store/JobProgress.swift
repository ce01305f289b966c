/// A progress report as it is saved: the fraction done, the worker's message and the JSON it
/// reported beside them.
package struct JobProgress: Sendable, Equatable {
    package var fraction: Double
    package var message: String?
    package var details: RawJSON?

    package init(fraction: Double, message: String? = nil, details: RawJSON? = nil) {
        self.fraction = fraction
        self.message = message
        self.details = details
    }

    /// The most JSON a report may carry: progress is saved a few times a second and travels
    /// to every watching node.
    package static let maximumDetailBytes = 16_384
}
