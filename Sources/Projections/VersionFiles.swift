import Foundation
import Logging
import Postgres

/// Which migration files made each version of a projection, and `parley.migrations` kept true to
/// the live one.
///
/// `parley.migrations` says which of a product's files the live schema has, so that `parley
/// migrate` applies the others to it. A rebuild builds version n + 1 from the folder as it is then,
/// new files included, and records them in `parley.projection_version_files`; the swap that makes
/// a version live (a rebuild's or a rollback's) records the retiring version's files as they are
/// then and makes `parley.migrations` list exactly the new version's files. Replays, verifies and rebuilds refuse a folder that no longer holds what the
/// live schema was made from.
struct VersionFiles {
    let projection: Projection
    /// The product's files in the migrations folder, in order.
    let files: [MigrationFile]
    let logger: Logger

    /// The product's files the live schema does not have yet, in order. Throws `MigrationError`
    /// as `parley migrate` refuses: a file applied to it changed or left the folder, or a new file
    /// sorts before an applied one.
    func pending(connection: Connection) throws -> [MigrationFile] {
        let pending = try Migrator(connection: connection, files: files, logger: logger).status(schema: projection.schema)
            .filter { $0.state == .pending }
        return files.filter { file in pending.contains { $0.file == file.fileName } }
    }

    /// The files `version` was made from (file name to checksum); nil when none were recorded
    /// (a version made before the record existed, or the first one, made by `parley migrate`).
    func recorded(version: Int, connection: Connection) throws -> [String: String]? {
        let rows = try connection.query(
            "SELECT file_name, checksum FROM parley.projection_version_files WHERE projection = $1 AND version = $2",
            [projection.name, version])
        guard !rows.isEmpty else { return nil }
        return try Dictionary(uniqueKeysWithValues: rows.map { (try $0.decode("file_name"), try $0.decode("checksum")) })
    }

    /// Whether the folder holds exactly the files `version` was made from.
    func matchesFolder(version: Int, connection: Connection) throws -> Bool {
        try recorded(version: version, connection: connection) == Dictionary(uniqueKeysWithValues: files.map { ($0.fileName, $0.checksum) })
    }

    /// Records the folder's files as those of `version`, with how long each took to apply.
    func record(version: Int, durations: [String: Int], connection: Connection) throws {
        for file in files {
            try connection.execute(
                """
                INSERT INTO parley.projection_version_files (projection, version, file_name, checksum, duration_ms)
                VALUES ($1, $2, $3, $4, $5)
                """, [projection.name, version, file.fileName, file.checksum, durations[file.fileName] ?? 0])
        }
    }

    /// Records the live schema's files, as `parley.migrations` lists them, as those of the
    /// retiring `version` (adding those it lacks: the first version's, made by `parley migrate`,
    /// and any migrated into it while it was live), so that a rollback to it restores them all.
    /// Run it in the swap's transaction, before `makeLive`.
    func recordLive(version: Int, connection: Connection) throws {
        try connection.execute(
            """
            INSERT INTO parley.projection_version_files (projection, version, file_name, checksum, duration_ms)
            SELECT $1, $2, file_name, checksum, duration_ms FROM parley.migrations WHERE schema_name = $3
            ON CONFLICT DO NOTHING
            """, [projection.name, version, projection.schema])
    }

    /// Makes `parley.migrations` list exactly the files of `version`, which is becoming live; run
    /// it in the swap's transaction. A version with no files recorded leaves it as it is.
    ///
    /// With `strict` (a rebuild), refuses when the live schema has a file the new version was not
    /// made from: it was migrated while the version was building, and the swap would lose that file.
    func makeLive(version: Int, strict: Bool, connection: Connection) throws {
        guard try recorded(version: version, connection: connection) != nil else { return }
        if strict {
            let missing = try connection.query(
                """
                SELECT file_name FROM parley.migrations WHERE schema_name = $1
                EXCEPT SELECT file_name FROM parley.projection_version_files WHERE projection = $2 AND version = $3
                ORDER BY 1
                """, [projection.schema, projection.name, version]
            ).map { "\(projection.schema)/\(try $0.decode("file_name", as: String.self))" }
            if !missing.isEmpty {
                throw Rebuilder.Refusal(
                    description: "\(missing.joined(separator: ", ")) \(missing.count == 1 ? "was" : "were") applied to the live schema after version "
                        + "\(version) started building without \(missing.count == 1 ? "it" : "them"); nothing was swapped: "
                        + "run parley rebuild \(projection.name) again to build a version with \(missing.count == 1 ? "it" : "them")")
            }
        }
        try connection.execute(
            """
            DELETE FROM parley.migrations m WHERE schema_name = $1 AND NOT EXISTS (
                SELECT 1 FROM parley.projection_version_files f
                WHERE f.projection = $2 AND f.version = $3 AND f.file_name = m.file_name AND f.checksum = m.checksum)
            """, [projection.schema, projection.name, version])
        try connection.execute(
            """
            INSERT INTO parley.migrations (schema_name, file_name, checksum, duration_ms)
            SELECT $1, file_name, checksum, duration_ms FROM parley.projection_version_files WHERE projection = $2 AND version = $3
            ON CONFLICT (schema_name, file_name) DO NOTHING
            """, [projection.schema, projection.name, version])
    }
}
