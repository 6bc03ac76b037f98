import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Migue

/// `parley state STREAM`: an aggregate's state at a point, folded by its decider's own `evolve`.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Print one aggregate's state now, as of a time, or before a log position, with the version it reflects."
    )

    typealias Fold = @Sendable (StreamName, [RecordedEvent], StatePoint) throws -> StateSnapshot

    /// Each product's stream categories and how it folds one of its streams.
    static let products: [(categories: [String], state: Fold)] = [
        (MigueStream.categories, { try Migue.state(of: $0, events: $1, at: $2) }),
    ]

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The stream, category-id, e.g. migue.reminder-7f3e...")
    var stream: String

    @Option(name: .customLong("as-of"), help: "The state after the events recorded at or before this RFC 3339 time.")
    var asOf: String?

    @Option(name: .customLong("at-position"), parsing: .unconditional, help: "The state after the events at log positions before this one.")
    var atPosition: UInt64?

    func validate() throws {
        _ = try point()
        _ = try fold(for: Arguments.stream(stream))
    }

    func run() async throws {
        let name = try Arguments.stream(stream)
        let point = try self.point()
        let fold = try fold(for: name)
        let log = try LogAccess.openForReading(options)
        let events = try await log.read(stream: name, from: 0, direction: .forwards, limit: .max)
        let snapshot = try fold(name, events, point)
        if options.json {
            JSONLines.print(snapshot, keepingKeys: true)
            return
        }
        var described = "\(point)"
        if case .before(let position) = point, case let head = try await log.head(), position > head {
            described += ", past the log's end at \(head): the state now"
        }
        print("\(snapshot.stream)  version \(snapshot.version)  position \(snapshot.position)  \(snapshot.recordedAt)  "
            + "(\(snapshot.events) event\(snapshot.events == 1 ? "" : "s"), \(described))")
        for line in Self.outline(snapshot.state, indent: "  ") { print(line) }
    }

    private func fold(for name: StreamName) throws -> Fold {
        guard let fold = Self.products.first(where: { $0.categories.contains(name.category) })?.state else {
            throw ValidationError("\(StateInspectionError.unknownCategory(name.category, known: Self.products.flatMap(\.categories)))")
        }
        return fold
    }

    func point() throws -> StatePoint {
        switch (asOf, atPosition) {
        case (nil, nil): .head
        case (let time?, nil): .asOf(try TimeOption.parse(time, option: "--as-of"))
        case (nil, let position?): .before(LogPosition(position))
        case (_?, _?): throw ValidationError("give --as-of or --at-position, not both")
        }
    }

    /// The value as indented `key: value` lines: objects nested, strings bare (quoted when they
    /// hold a control character, see `PlainText`), anything else as its JSON text.
    static func outline(_ value: JSONValue, indent: String) -> [String] {
        guard case .object(let members) = value else { return [indent + scalar(value)] }
        return members.keys.sorted().flatMap { key -> [String] in
            let member = members[key] ?? .null
            if case .object(let inner) = member, !inner.isEmpty {
                return ["\(indent)\(PlainText.shown(key)):"] + outline(member, indent: indent + "  ")
            }
            return ["\(indent)\(PlainText.shown(key)): \(scalar(member))"]
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        if case .string(let text) = value { PlainText.shown(text) } else { value.encoded }
    }
}
