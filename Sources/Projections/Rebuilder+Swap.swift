import EventSourcing
import Foundation
import Postgres

extension Rebuilder {
    /// Renames the schemas, gives the new live schema the privileges of the old one, and records
    /// the new statuses, in one transaction.
    ///
    /// It waits for a `parley migrate` under way to finish (the migrations' advisory lock), so that
    /// a file applied meanwhile is seen, and refused, by the check of the live schema's files.
    /// Both versions' checkpoint rows are locked first: a runner's batch holds the same lock, so no
    /// batch straddles the rename. Functions that pin their `search_path` to the old schema name
    /// are re-pinned to the new one. The retiring version's files are recorded as
    /// `parley.migrations` lists them, which then lists the files the new version was made from;
    /// with `strictFiles` (a rebuild), the swap is refused when the live schema has a file the new
    /// version lacks.
    func swap(
        retiring old: Version, activating new: Version, strictFiles: Bool, connection: Connection,
        check: (Connection) throws -> Void = { _ in }
    ) throws {
        try connection.transaction { connection in
            try swapInTransaction(retiring: old, activating: new, strictFiles: strictFiles, connection: connection, check: check)
        }
    }

    /// The swap's work, inside a transaction the caller opened and commits.
    func swapInTransaction(
        retiring old: Version, activating new: Version, strictFiles: Bool, connection: Connection,
        check: (Connection) throws -> Void = { _ in }
    ) throws {
        let live = projection.schema
        let parked = "\(projection.schema)_v\(old.version)"
        // A `parley migrate` under way holds this lock until its last file is recorded: without it,
        // a file still running (a `CREATE INDEX` does not block the counts) would land in the
        // parked schema and be recorded for the live one, which lacks it.
        try connection.execute("SELECT pg_advisory_xact_lock($1)", [Migrator.lockKey])
        try connection.execute(
            "SELECT 1 FROM parley.projection_checkpoints WHERE projection = $1 AND version = ANY($2::int[]) FOR UPDATE",
            [projection.name, PostgresArray(["\(old.version)", "\(new.version)"])])
        try check(connection)
        try refuseDependents(
            of: live, action: "swapping version \(new.version) of \(projection.name) in",
            consequence: "would go on using version \(old.version)'s tables after the swap", connection: connection)
        try copyPrivileges(from: live, to: new.schema, connection: connection)
        try connection.execute("ALTER SCHEMA \(ProjectionRunner.quoted(live)) RENAME TO \(ProjectionRunner.quoted(parked))")
        try connection.execute("ALTER SCHEMA \(ProjectionRunner.quoted(new.schema)) RENAME TO \(ProjectionRunner.quoted(live))")
        try repinFunctions(in: parked, from: live, to: parked, connection: connection)
        try repinFunctions(in: live, from: new.schema, to: live, connection: connection)
        // Each row must still be as read before the swap: another rebuild, rollback or drop may
        // have changed it since, and then this swap is stale.
        let retired = try connection.execute(
            """
            UPDATE parley.projection_versions SET status = 'retired', schema_name = $3, retired_at = now()
            WHERE projection = $1 AND version = $2 AND status = 'active'
            """, [projection.name, old.version, parked])
        let activated = try connection.execute(
            """
            UPDATE parley.projection_versions SET status = 'active', schema_name = $3, activated_at = now(), retired_at = NULL
            WHERE projection = $1 AND version = $2 AND status = $4
            """, [projection.name, new.version, live, new.status])
        guard retired == 1, activated == 1 else {
            throw Refusal(description: "projection \(projection.name)'s versions changed while swapping \(old.version) for \(new.version) "
                + "(another rebuild, rollback or drop ran); nothing was swapped")
        }
        // `parley.migrations` still lists the retiring schema's files, those migrated into it
        // while it was live included: recorded now, a rollback to it restores them all.
        try builder.versionFiles.recordLive(version: old.version, connection: connection)
        try builder.versionFiles.makeLive(version: new.version, strict: strictFiles, connection: connection)
    }

    /// `ALTER FUNCTION ... SET search_path` for every function of `schema` pinned to `from`.
    private func repinFunctions(in schema: String, from: String, to: String, connection: Connection) throws {
        let functions = try connection.query(
            """
            SELECT p.oid::regprocedure::text AS signature, c.setting
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
                 unnest(p.proconfig) AS c(setting)
            WHERE n.nspname = $1 AND c.setting LIKE 'search_path=%'
            """, [schema])
        for function in functions {
            let signature: String = try function.decode("signature")
            let setting: String = try function.decode("setting")
            let paths = setting.dropFirst("search_path=".count).split(separator: ",").map {
                let name = $0.trimmingCharacters(in: .whitespaces)
                return name == from || name == "\"\(from)\"" ? ProjectionRunner.quoted(to) : name
            }
            try connection.execute("ALTER FUNCTION \(signature) SET search_path = \(paths.joined(separator: ", "))")
        }
    }

    /// Checks the shadow against the live version inside the swap transaction, where no runner can
    /// move either checkpoint; returns the row counts and the shadow's checkpoint.
    ///
    /// The shadow, caught up to the head of this log, must not be behind the live version: that
    /// would take the read model back (`refuseShorterLog`). At equal checkpoints the counts must be
    /// equal. When the live runner is behind (it follows appends on its own), each table may differ
    /// by at most the number of events between the two checkpoints, since one migue event writes at
    /// most one row of a table.
    func checkCounts(live: Version, shadow: Version, accept: RebuildAcceptance, connection: Connection) throws
        -> (tables: [ProjectionVerifier.Table], position: Int64)
    {
        let checkpoints = try connection.query(
            "SELECT version, next_position FROM parley.projection_checkpoints WHERE projection = $1 AND version = ANY($2::int[])",
            [projection.name, PostgresArray(["\(live.version)", "\(shadow.version)"])])
        var positions: [Int: Int64] = [:]
        for row in checkpoints { positions[try row.decode("version")] = try row.decode("next_position", as: Int64.self) }
        let livePosition = positions[live.version] ?? 0, shadowPosition = positions[shadow.version] ?? 0
        if livePosition > shadowPosition && !accept.contains(.shorterLog) {
            throw Refusal.shorterLog(projection: projection.name, live: live.version, checkpoint: livePosition, head: shadowPosition)
        }
        let gap = Int(abs(livePosition - shadowPosition))
        let tables = try compare(live: live.schema, shadow: shadow.schema, connection: connection)
        if !accept.contains(.differentCounts), let differing = tables.first(where: { abs($0.liveRows - $0.rebuiltRows) > gap }) {
            throw Refusal(description: "table \(differing.table) has \(differing.liveRows) rows live and \(differing.rebuiltRows) rebuilt, "
                + "with \(gap) events between their checkpoints; not swapping (pass --accept-different-counts when the new "
                + "version changes them on purpose)")
        }
        return (tables, shadowPosition)
    }

    /// Refuses, before anything is built, when the live version has applied events past the end of
    /// this log: it was projected from another log, or from this one before it was cut back, and a
    /// version built from this log would take the read model back.
    func refuseShorterLog(head: LogPosition, accept: RebuildAcceptance, connection: Connection) throws {
        guard !accept.contains(.shorterLog), let live = try Self.activeCheckpoint(of: projection.name, connection: connection),
            live.position > head
        else { return }
        throw Refusal.shorterLog(
            projection: projection.name, live: live.version, checkpoint: Int64(live.position.rawValue), head: Int64(head.rawValue))
    }

    /// The active version of `projection`, its schema and its checkpoint; nil before it first ran.
    static func activeCheckpoint(of projection: String, connection: Connection) throws
        -> (version: Int, schema: String, position: LogPosition)?
    {
        let rows = try connection.query(
            """
            SELECT v.version, v.schema_name, c.next_position FROM parley.projection_versions v
            JOIN parley.projection_checkpoints c USING (projection, version)
            WHERE v.projection = $1 AND v.status = 'active'
            """, [projection])
        guard let row = rows.first else { return nil }
        return (try row.decode("version"), try row.decode("schema_name"), LogPosition(try row.decode("next_position", as: UInt64.self)))
    }

    /// Row counts of the tables both schemas have; `matches` is whether the counts are equal.
    ///
    /// Counts only: this runs while both checkpoints are locked, and hashing every row of a large
    /// read model there would stall the runners for seconds (`parley verify` compares contents).
    func compare(live: String, shadow: String, connection: Connection) throws -> [ProjectionVerifier.Table] {
        let liveTables = try TableFingerprint.rowCounts(schema: live, connection: connection)
        let shadowTables = try TableFingerprint.rowCounts(schema: shadow, connection: connection)
        return Set(liveTables.keys).intersection(shadowTables.keys).sorted().map { name in
            ProjectionVerifier.Table(
                table: name, liveRows: liveTables[name]!, rebuiltRows: shadowTables[name]!,
                matches: liveTables[name] == shadowTables[name])
        }
    }

    /// Refuses a shadow schema holding a constraint that is not validated.
    func checkConstraintsValid(schema: String, connection: Connection) throws {
        let invalid = try connection.query(
            """
            SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = $1 AND NOT c.convalidated
            """, [schema])
        guard invalid.isEmpty else {
            throw Refusal(description: "constraints not valid in \(schema): \(try invalid.map { try $0.decode("conname", as: String.self) }.joined(separator: ", "))")
        }
    }
}
