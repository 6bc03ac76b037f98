import EventSourcing
import Logging
import Postgres

extension ProjectionRunner {
    /// Runners for the version of `projection` that must keep up with the log: the active one,
    /// until a swap retires it. Registers the code's version as active when there is none yet.
    ///
    /// A version being built belongs to its rebuild, which catches it up and resumes it when
    /// interrupted; a runner here too would only race it for the same batches.
    public static func runners(
        for projection: Projection, store: any EventStore, conninfo: String, logger: Logger
    ) async throws -> [ProjectionRunner] {
        let admin = try DatabaseSession(conninfo, logger: logger)
        let active = { try await admin.run { try Rebuilder.versions(of: projection.name, connection: $0) }.filter { $0.status == "active" } }
        var versions = try await active()
        if versions.isEmpty {
            let first = ProjectionRunner(
                projection: projection, store: store, session: try DatabaseSession(conninfo, logger: logger), logger: logger)
            try await first.register()
            versions = try await active()
        }
        return try versions.map { version in
            ProjectionRunner(
                projection: projection, store: store, session: try DatabaseSession(conninfo, logger: logger), logger: logger,
                target: .init(schema: version.schema, trackedVersion: version.version, whileActive: true))
        }
    }
}
