import EventSourcing
import Foundation
import Logging
import Postgres

/// Builds a projection's tables into a schema of its own and fills them from the log: replays as
/// of a point, scratch copies for verification, shadow versions for rebuilds.
public struct SchemaBuilder: Sendable {
    public let projection: Projection
    public let store: any EventStore
    public let conninfo: String
    public let migrations: [MigrationFile]
    public let logger: Logger

    public init(projection: Projection, store: any EventStore, conninfo: String, migrations: [MigrationFile], logger: Logger) {
        self.projection = projection
        self.store = store
        self.conninfo = conninfo
        self.migrations = migrations.filter { $0.schema == projection.schema }
        self.logger = logger
    }

    /// Why a schema cannot be built.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates `schema` with the projection's migrations and applies the events before `until`
    /// (all of them when nil); returns the events applied. Refuses an existing schema unless `replace`.
    ///
    /// Refuses a migrations folder where a file applied to the live schema changed or is missing.
    @discardableResult
    public func build(
        into schema: String, until: LogPosition?, replace: Bool, batchSize: Int = 1000, progress: (LogPosition) -> Void = { _ in }
    ) async throws -> Int {
        try await build(into: schema, until: until, replace: replace, for: .replay, batchSize: batchSize, progress: progress)
    }

    /// What a schema is built for.
    enum Purpose {
        /// A replay: any schema name `checkName` allows; files new in the folder are taken.
        case replay
        /// `verify`'s scratch copy (`<schema>_verify_<8 hex>`, a name replays may not take): the
        /// live schema's files exactly, none new.
        case verify
    }

    @discardableResult
    func build(
        into schema: String, until: LogPosition?, replace: Bool, for purpose: Purpose, batchSize: Int = 1000,
        progress: (LogPosition) -> Void = { _ in }
    ) async throws -> Int {
        if purpose == .replay { try Self.checkName(schema, projection: projection) }
        guard !migrations.isEmpty else { throw Refusal(description: "no migrations for schema \(projection.schema)") }
        let admin = try DatabaseSession(conninfo, logger: logger)
        try await admin.run { connection in
            let pending = try versionFiles.pending(connection: connection)
            if purpose == .verify, !pending.isEmpty {
                throw Refusal(
                    description: "\(pending.map(\.name).joined(separator: ", ")) \(pending.count == 1 ? "is" : "are") not applied to the live schema \(projection.schema) yet: "
                        + "run parley migrate (or parley rebuild \(projection.name)) first")
            }
            try create(schema, replace: replace, connection: connection)
        }
        let runner = ProjectionRunner(
            projection: projection, store: store, session: try DatabaseSession(conninfo, logger: logger), logger: logger,
            target: .init(schema: schema, trackedVersion: nil, until: until, bulk: true))
        let applied = try await runner.catchUp(batchSize: batchSize, progress: progress)
        try await admin.run { connection in
            try deferredIndexes.create(in: schema, connection: connection)
            try comment(schema, mark("complete" + (until.map { ", the events before position \($0)" } ?? "")), connection: connection)
        }
        return applied
    }

    /// Creates `schema` with the migrations, marked incomplete; replaces one this builder made
    /// when `replace`, and refuses any other existing schema.
    private func create(_ schema: String, replace: Bool, connection: Connection) throws {
        let existing = try connection.query("SELECT obj_description(oid, 'pg_namespace') AS mark FROM pg_namespace WHERE nspname = $1", [schema])
        let exists = !existing.isEmpty
        if exists && !replace {
            throw Refusal(description: "schema \(schema) already exists; pass --replace to overwrite it")
        }
        // Only a schema this builder made is replaced: never a product's, a rebuild's version or another's.
        if exists, try !isMark(existing[0].decodeIfPresent("mark", as: String.self)) {
            throw Refusal(description: "schema \(schema) was not made by a replay of \(projection.name), so --replace does not overwrite it; choose another name")
        }
        try connection.transaction { connection in
            if exists { try connection.execute("DROP SCHEMA \(ProjectionRunner.quoted(schema)) CASCADE") }
            try migrate(schema, connection: connection)
            try comment(schema, mark("incomplete"), connection: connection)
        }
    }

    /// The comment on a schema this builder made, which says whether the replay finished (one
    /// that was interrupted keeps `incomplete`); `--replace` overwrites only such a schema.
    func mark(_ state: String) -> String { "made by parley replay of \(projection.name): \(state)" }

    private func isMark(_ comment: String?) -> Bool {
        // Replays before the marks said whether they finished wrote the bare prefix.
        let prefix = "made by parley replay of \(projection.name)"
        return comment == prefix || comment?.hasPrefix(prefix + ": ") == true
    }

    private func comment(_ schema: String, _ text: String, connection: Connection) throws {
        try connection.execute("COMMENT ON SCHEMA \(ProjectionRunner.quoted(schema)) IS '\(text.replacingOccurrences(of: "'", with: "''"))'")
    }

    /// Which files made each version of the projection (`parley.projection_version_files`).
    var versionFiles: VersionFiles { VersionFiles(projection: projection, files: migrations, logger: logger) }

    /// The secondary indexes a load into one of this builder's schemas builds after its rows.
    public var deferredIndexes: DeferredIndexes { DeferredIndexes(migrations: migrations, kept: projection.lookupIndexes) }

    /// Applies the migrations to `schema`, less the indexes `deferredIndexes` builds after the
    /// load; run it inside a transaction. Returns how long each file took, in milliseconds.
    @discardableResult
    func migrate(_ schema: String, connection: Connection) throws -> [String: Int] {
        let clock = ContinuousClock()
        var durations: [String: Int] = [:]
        for file in migrations {
            let started = clock.now
            try connection.executeScript(file.retargeted(to: schema), name: file.name)
            durations[file.fileName] = Migrator.milliseconds(clock.now - started)
        }
        try deferredIndexes.drop(in: schema, connection: connection)
        return durations
    }

    /// Drops `schema` and everything in it.
    public func drop(_ schema: String) async throws {
        try Self.checkName(schema, projection: projection)
        try await DatabaseSession(conninfo, logger: logger).run { connection in
            try connection.execute("DROP SCHEMA IF EXISTS \(ProjectionRunner.quoted(schema)) CASCADE")
        }
    }

    /// Refuses names that are not plain lowercase identifiers, and schemas that are not ours to overwrite.
    /// Throws `Refusal` unless `schema` is a plain name that is no live, version or system schema.
    public static func checkName(_ schema: String, projection: Projection) throws {
        let valid = schema.first.map { $0.isLetter || $0 == "_" } == true
            && schema.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" } && schema.count <= 63
        guard valid else { throw Refusal(description: "\(schema) is not a plain schema name (lowercase letters, digits, _)") }
        let reserved = ["public", "parley", "auth", "pg_catalog", "information_schema"] + ProjectionCatalog.all.map(\.schema)
        guard !reserved.contains(schema) else {
            throw Refusal(description: "\(schema) is a live or system schema; choose another name")
        }
        // `<schema>_v<N>` is where a rebuild builds, and a swap parks, version N: a replay there
        // would make a later rebuild or swap of that version fail.
        if let versioned = ProjectionCatalog.all.first(where: { schema.wholeMatch(of: /(.+)_v[0-9]+/)?.1 == $0.schema[...] }) {
            throw Refusal(description: "\(schema) is the name of a version of \(versioned.name) (rebuilds use \(versioned.schema)_v<N>); choose another name")
        }
        // `<schema>_verify_<8 hex>` is a verify's scratch schema, which the next verify drops when no verify holds it.
        if let verified = ProjectionCatalog.all.first(where: { schema.wholeMatch(of: /(.+)_verify_[0-9a-f]{8}/)?.1 == $0.schema[...] }) {
            throw Refusal(description: "\(schema) is the name of a scratch schema of parley verify \(verified.name), which verify drops; choose another name")
        }
    }
}
