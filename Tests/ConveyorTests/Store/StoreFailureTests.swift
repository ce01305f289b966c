@testable import Conveyor
import Testing

@Suite("Store: what a store's failure means to the caller")
struct StoreFailureTests {
    struct DriverError: Error {}

    @Test func aBrokenConstraintIsAConflictAndAnythingElseAStorageError() {
        let conflict = StoreFailure.error("inserting jobs", DriverError(), brokeConstraint: true)
        #expect(conflict.code == .conflict)
        #expect(conflict.message.hasPrefix("inserting jobs would break a constraint"))
        let storage = StoreFailure.error("claiming jobs", DriverError(), brokeConstraint: false)
        #expect(storage.code == .storage)
        #expect(storage.message == "claiming jobs failed")
    }

    @Test func aConveyorErrorPassesUnchanged() {
        let original = ConveyorError(.notFound, "no job 7")
        let passed = StoreFailure.error("reading a job", original, brokeConstraint: true)
        #expect(passed.code == .notFound)
        #expect(passed.message == "no job 7")
    }
}
