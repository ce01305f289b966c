/// What a store's failure means to its caller, the same on every store.
package enum StoreFailure {
    /// `failure`, met while `doing` something, as the error the caller sees: a broken unique
    /// constraint is a `conflict` (the job or schedule is already there), anything else a
    /// `storage` error naming what was being done. A ``ConveyorError`` passes unchanged.
    ///
    /// - Parameter brokeConstraint: whether the store's driver reports a broken constraint.
    package static func error(_ doing: String, _ failure: any Error, brokeConstraint: Bool) -> ConveyorError {
        if let error = failure as? ConveyorError { return error }
        if brokeConstraint {
            return ConveyorError(.conflict, "\(doing) would break a constraint (for example a unique job key already taken)", underlying: failure)
        }
        return ConveyorError(.storage, "\(doing) failed", underlying: failure)
    }
}
