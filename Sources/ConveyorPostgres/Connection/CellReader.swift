import Conveyor
import PostgresNIO

/// Reads a row's cells in order, each with its own concrete type, so the compiler specialises
/// every decode (a tuple decode stays generic and resolves its types at run time, per row).
struct CellReader {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) {
        self.cells = row.makeIterator()
    }

    @inline(__always)
    mutating func next<T: PostgresDecodable>(_ type: T.Type) throws -> T {
        guard let cell = cells.next() else {
            throw ConveyorError(.storage, "a row from PostgreSQL has fewer columns than expected")
        }
        return try cell.decode(T.self)
    }
}
