import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Postgres
import Projections

/// `parley project`: applies the log to the read models, once or following new appends.
struct Project: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply new events to the read models (exactly once), then stop or --follow."
    )

    @OptionGroup var options: GlobalOptions

    @Flag(help: "After catching up, keep applying new events until interrupted.")
    var follow = false

    @Option(parsing: .unconditional, help: "Events per transaction.")
    var batchSize = 1000

    @Option(help: "Only this projection (default: all).")
    var projection: String?

    struct Outcome: Encodable {
        var projection: String
        var version: Int
        var applied: Int
        var checkpoint: UInt64
        var seconds: Double
        var eventsPerSecond: Double
    }

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
        _ = try ProjectionSelection.resolve(projection)
    }

    func run() async throws { try await DatabaseInterruption.run { try await work() } }

    private func work() async throws {
        let projections = try ProjectionSelection.resolve(projection)
        let log = try LogAccess.openForReading(options)
        let location = try options.databaseLocation()
        var runners: [ProjectionRunner] = []
        for projection in projections {
            runners += try await ProjectionRunner.runners(for: projection, store: log, conninfo: location.conninfo, logger: options.logger)
        }
        if follow {
            try await followAll(projections, log: log, conninfo: location.conninfo, starting: runners)
            return
        }
        let head = try await log.head()
        for runner in runners {
            let progress = Progress(enabled: !options.json, label: "projecting \(runner.projection.name):")
            let start = ContinuousClock.now
            let applied = try await runner.catchUp(batchSize: batchSize) { progress.update($0.rawValue, of: head.rawValue) }
            progress.finish()
            let seconds = (ContinuousClock.now - start).seconds
            let outcome = Outcome(
                projection: runner.projection.name, version: runner.target.trackedVersion ?? runner.projection.version, applied: applied,
                checkpoint: try await runner.checkpoint().rawValue, seconds: seconds,
                eventsPerSecond: seconds > 0 ? Double(applied) / seconds : 0)
            if options.json {
                JSONLines.print(outcome)
            } else {
                print("\(outcome.projection) v\(outcome.version): applied \(applied) events, checkpoint \(outcome.checkpoint), "
                    + String(format: "%.2f s, %.0f events/s", seconds, outcome.eventsPerSecond))
            }
        }
    }

    /// Catches every live version up, waits for new events, and again, until interrupted.
    ///
    /// The active version is read again on every round, so a rebuild's swap is followed without
    /// restarting: the retired version's runner stops at its next batch, however fast events
    /// arrive, and the next round follows the new one. The version being built is the rebuild's
    /// own to catch up.
    private func followAll(
        _ projections: [Projection], log: FileEventLog, conninfo: String, starting: [ProjectionRunner]
    ) async throws {
        let catalog = try DatabaseSession(conninfo, logger: options.logger)
        var runners: [String: ProjectionRunner] = [:]
        for runner in starting { runners["\(runner.projection.name)/\(runner.target.trackedVersion ?? 0)"] = runner }
        while !Task.isCancelled {
            var next = try await log.head()
            // Runners of versions no longer active (retired by a swap) are let go with their sessions.
            var following: [String: ProjectionRunner] = [:]
            for projection in projections {
                let versions = try await catalog.run { connection in
                    try Rebuilder.versions(of: projection.name, connection: connection).filter { $0.status == "active" }
                }
                for version in versions {
                    let key = "\(projection.name)/\(version.version)"
                    let runner = try runners[key] ?? ProjectionRunner(
                        projection: projection, store: log, session: DatabaseSession(conninfo, logger: options.logger),
                        logger: options.logger, target: .init(schema: version.schema, trackedVersion: version.version, whileActive: true))
                    do {
                        try await runner.catchUp(batchSize: batchSize)
                        next = min(next, try await runner.checkpoint())
                        following[key] = runner
                    } catch is VersionNotRegistered {
                        // Retired and dropped since the versions were read: the next round reads the active one.
                        options.logger.info("a version stopped being followed: dropped", metadata: ["version": "\(key)"])
                        next = LogPosition(0)
                    }
                }
            }
            runners = following
            try await Self.waitForEvent(at: next, in: log)
        }
    }

    /// Returns once the event at `position` is readable; throws `CancellationError` as soon as a
    /// signal cancels the database work (`QueryCancellation.current`), which no statement would
    /// notice while the runners wait for events.
    static func waitForEvent(at position: LogPosition, in log: FileEventLog) async throws {
        let cancellation = QueryCancellation.current
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await log.waitUntilReadable(position) }
            group.addTask {
                while cancellation?.reason == nil { try await Task.sleep(for: .milliseconds(20)) }
                throw CancellationError()
            }
            try await group.next()
            group.cancelAll()
        }
    }
}

/// Which projections a command works on.
enum ProjectionSelection {
    static func resolve(_ name: String?) throws -> [Projection] {
        guard let name else { return ProjectionCatalog.all }
        guard let projection = ProjectionCatalog.named(name) else {
            throw ValidationError("no projection named \(name) (known: \(ProjectionCatalog.all.map(\.name).joined(separator: ", ")))")
        }
        return [projection]
    }
}
