import Logging
import Synchronization

/// Collects the messages logged through `logger`, for tests that check
/// what a library said (a torn tail cut, a batch applied one event at a time).
public final class Warnings: Sendable {
    private let collected = Mutex<[String]>([])
    private let level: Logger.Level

    /// Keeps messages at `level` and above: warnings by default.
    public init(level: Logger.Level = .warning) { self.level = level }

    public var messages: [String] { collected.withLock { $0 } }

    public var logger: Logger {
        Logger(label: "test") { _ in Handler(warnings: self, logLevel: self.level) }
    }

    struct Handler: LogHandler {
        let warnings: Warnings
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            warnings.collected.withLock { $0.append(event.message.description) }
        }
    }
}
