public import ExampleKit

/// Agents (each with its Pinecone namespace) and their data sources. The seed's own `jobs`
/// table is Conveyor's: a source keeps its job's id.
public enum SourceTables {
    public static func create(in db: any AppDatabase) async throws {
        try await db.execute("CREATE TABLE IF NOT EXISTS \(db.table("agents")) (id TEXT PRIMARY KEY, name TEXT NOT NULL, namespace TEXT NOT NULL)")
        try await db.execute("""
            CREATE TABLE IF NOT EXISTS \(db.table("data_sources")) (
                id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending', job_id BIGINT, created_at \(db.dialect.timestamp) NOT NULL
            )
            """)
    }
}
