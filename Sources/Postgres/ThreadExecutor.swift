import Foundation
import Logging

/// A serial executor that runs every job on one dedicated thread, so an actor using it may block
/// (in libpq) without holding a thread of Swift's cooperative pool.
public final class ThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    /// Guarded by `condition`.
    private var stopping = false

    /// Marks the executor's thread in its thread dictionary, for `isCurrent`.
    private let marker = "parley.executor." + UUID().uuidString

    /// Starts the thread, named `name` for debuggers.
    public init(name: String) {
        let thread = Thread { [self] in
            Thread.current.threadDictionary[marker] = true
            run()
        }
        thread.name = name
        thread.start()
    }

    /// Whether the caller runs on this executor's thread.
    public var isCurrent: Bool { Thread.current.threadDictionary[marker] as? Bool == true }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread finish the jobs already queued, then end.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }
}

/// One connection owned by an actor that runs on its own thread: the way async code uses libpq.
///
///     let session = try DatabaseSession(conninfo, logger: logger)
///     let count = try await session.run { try $0.query("SELECT count(*) AS n FROM t")[0].decode("n", as: Int.self) }
///
/// Calls are serialised by the actor; each runs on the session's thread and may block there. The
/// connection opens on that thread too, at the first `run`, so no thread of Swift's cooperative
/// pool waits while libpq connects; a server that cannot be reached fails that first `run`.
public actor DatabaseSession {
    /// The thread every call of this session runs on.
    public nonisolated let executor: ThreadExecutor
    private let conninfo: String
    private let logger: Logging.Logger
    /// The cancellation bound when the session was made, which its connection joins.
    private let cancellation: QueryCancellation?
    private var connection: Connection?

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Checks `conninfo` and starts the session's thread; throws when libpq cannot parse it.
    public init(_ conninfo: String, logger: Logging.Logger) throws(PostgresError) {
        let endpoint = ConnectionString.redacted(conninfo)
        if let problem = ConnectionString.parseProblem(conninfo) {
            throw PostgresError(kind: .connection, message: problem, context: "connecting to \(endpoint)")
        }
        self.conninfo = conninfo
        self.logger = logger
        cancellation = QueryCancellation.current
        executor = ThreadExecutor(name: "parley-db \(endpoint)")
    }

    deinit {
        executor.stop()
    }

    /// Runs `body` with the connection on the session's thread and returns its result; the first
    /// call opens the connection, and so does the call after one that found it lost (a restarted
    /// server, a terminated backend): that call failed, the next one connects again.
    @discardableResult
    public func run<Result: Sendable>(_ body: (Connection) throws -> Result) throws -> Result {
        if let connection, connection.isConnected { return try body(connection) }
        let opened = try QueryCancellation.$current.withValue(cancellation) { try Connection(conninfo, logger: logger) }
        connection = opened
        return try body(opened)
    }
}
