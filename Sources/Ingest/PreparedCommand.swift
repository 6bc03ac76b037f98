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
        try await forEach(lines, chunk: chunk, preparing: { CommandRouter.prepare(json: $0) }, handle)
    }

    /// Calls `handle` with each of `commands` prepared, in order, as `forEach(_:chunk:_:)` does
    /// for lines.
    public static func forEach(
        _ commands: [CommandEnvelope], chunk: Int = 256, _ handle: (Int, PreparedCommand) async throws -> Void
    ) async throws {
        try await forEach(commands, chunk: chunk, preparing: { CommandRouter.prepare($0) }, handle)
    }

    private static func forEach<Item: Sendable>(
        _ items: [Item], chunk: Int, preparing prepare: @escaping @Sendable (Item) -> PreparedCommand,
        _ handle: (Int, PreparedCommand) async throws -> Void
    ) async throws {
        precondition(chunk > 0, "a chunk holds at least one command")
        func prepared(from start: Int) -> Task<[PreparedCommand], Never>? {
            guard start < items.count else { return nil }
            let end = min(items.count, start + chunk)
            return Task.detached { items[start..<end].map(prepare) }
        }
        var next = prepared(from: 0)
        var start = 0
        while let current = next {
            let chunk = await current.value
            next = prepared(from: start + chunk.count)
            for (offset, command) in chunk.enumerated() { try await handle(start + offset, command) }
            start += chunk.count
        }
    }
}
