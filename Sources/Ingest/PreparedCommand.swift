import EventSourcing
import Foundation
import Migue

/// A command read from its JSON line and parsed by its product, ready for `CommandRouter.handle`.
///
/// Preparing is the pure half of handling a command (the JSON, the product's fields, the derived
/// event ids, the payloads of a creating command: `MigueService.prepare`): it needs no store, so
/// `PreparedCommands` does it on another core while earlier commands are handled.
public struct PreparedCommand: Sendable {
    /// The command's id; nil when its text holds no valid one.
    public let commandID: UUID?
    let content: Content

    enum Content: Sendable {
        case rejected(CommandRejection)
        case migue(MigueService.Prepared)
    }
}

/// Prepares a list of command lines one chunk ahead of the caller, on another task, and hands them
/// over in order: handling (decide and append, which must follow file order) overlaps parsing.
public enum PreparedCommands {
    /// Calls `handle` with each of `lines` prepared, in order; the next `chunk` lines are prepared
    /// meanwhile. Stops at the first error `handle` throws.
    public static func forEach<Line: Collection<UInt8> & Sendable>(
        _ lines: [Line], chunk: Int = 256, _ handle: (Int, PreparedCommand) async throws -> Void
    ) async throws {
        try await forEach(lines.makeIterator(), chunk: chunk, preparing: { CommandRouter.prepare(json: $0) }, handle)
    }

    /// Calls `handle` with each of `commands` prepared, in order, as `forEach(_:chunk:_:)` does
    /// for lines. Commands are drawn from the sequence a chunk at a time, so a generated one
    /// (`ImportPlan.commands`) is held only while its chunk is handled.
    public static func forEach<Commands: Sequence<CommandEnvelope>>(
        _ commands: Commands, chunk: Int = 256, _ handle: (Int, PreparedCommand) async throws -> Void
    ) async throws where Commands.Iterator: Sendable {
        try await forEach(commands.makeIterator(), chunk: chunk, preparing: { CommandRouter.prepare($0) }, handle)
    }

    private static func forEach<Source: IteratorProtocol & Sendable>(
        _ source: Source, chunk: Int, preparing prepare: @escaping @Sendable (Source.Element) -> PreparedCommand,
        _ handle: (Int, PreparedCommand) async throws -> Void
    ) async throws {
        precondition(chunk > 0, "a chunk holds at least one command")
        // Each task draws and prepares one chunk, then hands the source on to the next one.
        func prepared(from source: Source) -> Task<([PreparedCommand], Source), Never> {
            Task.detached {
                var source = source
                var items: [PreparedCommand] = []
                while items.count < chunk, let item = source.next() { items.append(prepare(item)) }
                return (items, source)
            }
        }
        var next = prepared(from: source)
        var start = 0
        while true {
            let (items, rest) = await next.value
            guard !items.isEmpty else { return }
            next = prepared(from: rest)
            for (offset, command) in items.enumerated() { try await handle(start + offset, command) }
            start += items.count
        }
    }
}
