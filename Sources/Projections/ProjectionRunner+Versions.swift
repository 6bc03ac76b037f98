import EventSourcing
import Logging
import Postgres

extension ProjectionRunner {
    /// Runners for every version of `projection` that must keep up with the log: the active one
    /// and one being rebuilt. Registers the code's version as active when there is none yet.
    public static func runners(
        for projection: Projection, store: any EventStore, conninfo: String, logger: Logger
    ) async throws -> [ProjectionRunner] {
        let connection = try Connection(conninfo, logger: logger)
        var versions = try Rebuilder.versions(of: projection.name, connection: connection).filter { $0.status != "retired" }
        if versions.isEmpty {
            let first = ProjectionRunner(
                projection: projection, store: store, session: try DatabaseSession(conninfo, logger: logger), logger: logger)
            try await first.register()
            versions = try Rebuilder.versions(of: projection.name, connection: connection).filter { $0.status != "retired" }
        }
        return try versions.map { version in
            ProjectionRunner(
                projection: projection, store: store, session: try DatabaseSession(conninfo, logger: logger), logger: logger,
                target: .init(schema: version.schema, trackedVersion: version.version))
        }
    }
}
