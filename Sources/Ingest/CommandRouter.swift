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
        let envelope: CommandEnvelope
        do {
            envelope = try CommandEnvelope(json: bytes)
        } catch {
            return (Self.commandID(in: bytes), .rejected(error))
        }
        return (envelope.id, try await handle(envelope))
    }

    /// Handles one command. Throws only when the store fails or a stream stays contended; the
    /// command may then be submitted again.
    public func handle(_ envelope: CommandEnvelope) async throws -> CommandResult {
        switch envelope.product {
        case Migue.product:
            return try await migue.handle(envelope)
        default:
            let known = Self.products.map { "\"\($0)\"" }.joined(separator: ", ")
            return .rejected(CommandRejection(field: "product", "unknown product \"\(envelope.product)\"; known: \(known)"))
        }
    }

    /// The `id` of a command that was refused before it was read whole, when it has a valid one.
    private static func commandID(in bytes: some Collection<UInt8>) -> UUID? {
        guard case .object(let members)? = JSONValue(parsing: bytes), case .string(let text)? = members["id"] else { return nil }
        return UUID(text: text)
    }
}
