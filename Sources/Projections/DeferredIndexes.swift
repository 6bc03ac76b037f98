import Foundation
import Postgres

/// Secondary indexes a bulk load builds once after its rows instead of row by row, as `pg_restore`
/// does.
///
/// A deferrable index is one no constraint and no projector lookup needs: not unique, not a
/// primary key's or an exclusion constraint's, not backing any constraint, and not among the
/// projection's `lookupIndexes`. Unique indexes stay, so a duplicate still stops the projection at
/// the event that wrote it. Which indexes are missing is read from the catalog each time, against
/// the migrations applied to a reference schema in a transaction that is rolled back: a load
/// interrupted before or during the index builds creates what is still missing when it resumes,
/// and the result has exactly the indexes a migrated schema has.
public struct DeferredIndexes: Sendable {
    public let migrations: [MigrationFile]
    /// Indexes kept during the load although they are deferrable (`Projection.lookupIndexes`).
    public let kept: Set<String>

    public init(migrations: [MigrationFile], kept: Set<String>) {
        self.migrations = migrations
        self.kept = kept
    }

    /// One index: its name and its `CREATE INDEX` statement.
    struct Index: Equatable {
        var name: String
        var definition: String
    }

    /// Drops the deferrable indexes of `schema`; returns their names. Run it in the transaction
    /// that applied the migrations, so the schema never exists with them half dropped.
    @discardableResult
    func drop(in schema: String, connection: Connection) throws -> [String] {
        let names = try connection.query(
            """
            SELECT ic.relname AS name FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
            WHERE n.nspname = $1 AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY ic.relname
            """, [schema]
        ).map { try $0.decode("name", as: String.self) }.filter { !kept.contains($0) }
        for name in names {
            try connection.execute("DROP INDEX \(ProjectionRunner.quoted(schema)).\(ProjectionRunner.quoted(name))")
        }
        return names
    }

    /// Creates, one transaction each, every index the migrations define that `schema` lacks;
    /// returns their names.
    @discardableResult
    func create(in schema: String, connection: Connection) throws -> [String] {
        let present = Set(try Self.indexes(in: schema, connection: connection).map(\.name))
        let missing = try defined(for: schema, connection: connection).filter { !present.contains($0.name) }
        for index in missing {
            try connection.transaction { connection in
                // A sort in memory of this size is what makes a build after the load cheap.
                try connection.execute("SET LOCAL maintenance_work_mem = '256MB'")
                try connection.execute(index.definition)
            }
        }
        return missing.map(\.name)
    }

    /// The indexes the migrations give `schema`, read from a reference copy that is rolled back.
    /// The copy's name is drawn at random, so that no schema of the database (a replay's `--into`
    /// may be any plain name) can be in its way.
    func defined(for schema: String, connection: Connection) throws -> [Index] {
        let reference = "parley_reference_" + String(UInt64.random(in: .min ... .max), radix: 16)
        var indexes: [Index] = []
        do {
            try connection.transaction { connection in
                for file in migrations {
                    try connection.executeScript(file.retargeted(to: reference), name: file.name)
                }
                indexes = try Self.indexes(in: reference, connection: connection).map { index in
                    Index(name: index.name, definition: MigrationFile.requalify(index.definition, from: reference, to: schema))
                }
                throw RolledBack()
            }
        } catch is RolledBack {}
        return indexes
    }

    private struct RolledBack: Error {}

    /// Every index of `schema`'s tables, with `pg_get_indexdef`'s statement, by name.
    static func indexes(in schema: String, connection: Connection) throws -> [Index] {
        try connection.query(
            """
            SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
            WHERE n.nspname = $1 ORDER BY ic.relname
            """, [schema]
        ).map { Index(name: try $0.decode("name"), definition: try $0.decode("definition")) }
    }
}
