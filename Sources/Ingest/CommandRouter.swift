import EventSourcing
import Foundation
import Migue

/// Sends each command to the product its `product` field names; the one door every command of
/// `parley submit`, `parley import` and `parley bench submit` goes through.
public struct CommandRouter: Sendable {
    public let store: any EventStore
    private let migue: MigueService

    /// The products commands may name.
    public static let products = [Migue.product]

    /// A router appending to `store`; `cache` keeps the states of recently used streams.
    public init(store: any EventStore, durability: Durability = .durable, cache: StateCache = StateCache()) {
        self.store = store
        migue = MigueService(store: store, durability: durability, cache: cache)
    }

    /// Handles one command given as JSON text. The command id is nil when the text holds none.
    public func handle(json bytes: some Collection<UInt8>) async throws -> (commandID: UUID?, result: CommandResult) {
        let prepared = Self.prepare(json: bytes)
        return (prepared.commandID, try await handle(prepared))
    }

    /// Handles one command. Throws only when the store fails or a stream stays contended; the
    /// command may then be submitted again.
    public func handle(_ envelope: CommandEnvelope) async throws -> CommandResult {
        try await handle(Self.prepare(envelope))
    }

    /// Handles one prepared command; as `handle(_:)`.
    public func handle(_ prepared: PreparedCommand) async throws -> CommandResult {
        switch prepared.content {
        case .rejected(let rejection): .rejected(rejection)
        case .migue(let command): try await migue.handle(command)
        }
    }

    /// Reads and parses one command given as JSON text, without touching the store.
    public static func prepare(json bytes: some Collection<UInt8>) -> PreparedCommand {
        do {
            return prepare(try CommandEnvelope(json: bytes))
        } catch {
            return PreparedCommand(commandID: commandID(in: bytes), content: .rejected(error))
        }
    }

    /// Parses one command for its product, without touching the store.
    public static func prepare(_ envelope: CommandEnvelope) -> PreparedCommand {
        switch envelope.product {
        case Migue.product:
            return PreparedCommand(commandID: envelope.id, content: .migue(MigueService.prepare(envelope)))
        default:
            let known = products.map { "\"\($0)\"" }.joined(separator: ", ")
            return PreparedCommand(
                commandID: envelope.id,
                content: .rejected(CommandRejection(field: "product", "unknown product \(CommandRejection.quoted(envelope.product)); known: \(known)")))
        }
    }

    /// The `id` of a command that was refused before it was read whole, when it has a valid one.
    private static func commandID(in bytes: some Collection<UInt8>) -> UUID? {
        guard case .object(let members)? = JSONValue(parsing: bytes), case .string(let text)? = members["id"] else { return nil }
        return UUID(text: text)
    }
}
