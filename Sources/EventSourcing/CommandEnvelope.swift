import Foundation

/// One command as it arrives, before its product reads `data`: one JSON object.
///
/// ```json
/// {"id": "4f1c...", "product": "migue", "type": "reminder.create", "at": "2026-11-22T10:15:30Z",
///  "actor": "whatsapp-webhook", "correlation_id": "...", "causation_id": "...", "data": {...}}
/// ```
/// Time and ids come in with the command, never from the clock, so replaying commands gives the
/// same events. `Specs/commands.md` describes the format.
public struct CommandEnvelope: Hashable, Sendable {
    /// The command's id: submitting the same id twice appends nothing the second time.
    public var id: UUID
    /// The product that handles it, e.g. `migue`.
    public var product: String
    /// The command type within the product, e.g. `reminder.create`.
    public var type: String
    /// When it happened.
    public var at: Timestamp
    /// Who or what issued it.
    public var actor: String
    public var correlationID: UUID?
    public var causationID: UUID?
    /// The command's own fields, read by its product.
    public var data: [String: JSONValue]

    public init(
        id: UUID, product: String, type: String, at: Timestamp, actor: String, correlationID: UUID? = nil,
        causationID: UUID? = nil, data: [String: JSONValue]
    ) {
        self.id = id
        self.product = product
        self.type = type
        self.at = at
        self.actor = actor
        self.correlationID = correlationID
        self.causationID = causationID
        self.data = data
    }

    /// The longest command text: its events stay well inside the log's 64 MiB block.
    public static let maximumSize = 16 << 20
    /// The longest `product`, `type` and `actor`, in UTF-8 bytes (the log keeps up to 65,535).
    public static let maximumNameSize = 256

    /// Reads one command from JSON text; bad JSON, missing, mistyped or unknown fields are rejections.
    public init(json bytes: some Collection<UInt8>) throws(CommandRejection) {
        guard bytes.count <= Self.maximumSize else {
            throw CommandRejection("the command is longer than \(Self.maximumSize >> 20) MiB (\(Self.maximumSize) bytes)")
        }
        switch JSONParser.parseOrStop(Array(bytes), refusingInexactNumbers: true) {
        case .success(let value): try self.init(json: value)
        case .failure(let stop): throw CommandRejection(stop.description)
        }
    }

    /// Reads one command from a parsed JSON value.
    public init(json value: JSONValue) throws(CommandRejection) {
        var fields = try CommandFields(object: value, path: "")
        let id = try fields.uuid("id")
        let product = try fields.name("product")
        let type = try fields.name("type")
        let at = try fields.timestamp("at")
        let actor = try fields.name("actor")
        let correlationID = try fields.optionalUUID("correlation_id")
        let causationID = try fields.optionalUUID("causation_id")
        let data = try fields.json("data")
        try fields.finish()
        for (key, name) in [("product", product), ("type", type), ("actor", actor)] {
            if name.utf8.count > Self.maximumNameSize {
                throw CommandRejection(field: key, "is \(name.utf8.count) bytes; at most \(Self.maximumNameSize)")
            }
            // Names are shown in the audit, history and explain reports, one line each.
            if name.holdsControlCharacter {
                throw CommandRejection(field: key, "must not hold a control character (a newline, a tab, an escape)")
            }
        }
        guard case .object(let members) = data else {
            throw CommandRejection(field: "data", "expected an object, found \(data.kind)")
        }
        self.init(
            id: id, product: product, type: type, at: at, actor: actor, correlationID: correlationID,
            causationID: causationID, data: members)
    }

    /// The command as a JSON value, the inverse of `init(json:)`.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id.lowercasedText), "product": .string(product), "type": .string(type),
            "at": .string(at.description), "actor": .string(actor), "data": .object(data),
        ]
        if let correlationID { members["correlation_id"] = .string(correlationID.lowercasedText) }
        if let causationID { members["causation_id"] = .string(causationID.lowercasedText) }
        return .object(members)
    }

    /// The fields of `data`, for the product to read.
    public var fields: CommandFields { CommandFields(data, path: "data") }

    /// What the command asks, as 16 hex digits: its product, type and data (canonical JSON), not
    /// its time, actor or ids. Kept with the first event of each batch it writes, so the same id
    /// submitted again with other data is told from a redelivery.
    public var digest: String {
        var text: [UInt8] = []
        text.reserveCapacity(512)
        text.append(contentsOf: product.utf8)
        text.append(UInt8(ascii: "\n"))
        text.append(contentsOf: type.utf8)
        text.append(UInt8(ascii: "\n"))
        JSONWriter.write(.object(data), into: &text)
        let hex = String(FNV1a.hash(text), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The custom metadata of a batch's first event: `{"command_digest":"<digest>"}`.
    public static func digestMetadata(_ digest: String) -> [UInt8] { Array(#"{"command_digest":"\#(digest)"}"#.utf8) }

    /// The digest a batch's first event keeps (`digestMetadata`), nil when it keeps none.
    public static func digest(inMetadata custom: [UInt8]) -> String? {
        guard !custom.isEmpty, case .object(let members)? = JSONValue(parsing: custom),
            case .string(let digest)? = members["command_digest"]
        else { return nil }
        return digest
    }

    /// The metadata of the events this command produces: correlated with the command's correlation
    /// id (else the command itself), caused by the command, by its actor.
    public var eventMetadata: EventMetadata {
        EventMetadata(correlationID: correlationID ?? id, causationID: id, actor: actor)
    }

    /// The id of the `index`-th event of the batch `batch` this command appends: the same command
    /// always yields the same ids, so a resubmitted command is recognised by the store.
    public func eventID(batch: String, index: Int) -> UUID {
        UUID(namespace: id, name: "\(batch)#\(index)")
    }
}


/// One batch a command wrote to one stream, or found already written by an earlier submission.
public struct WrittenBatch: Hashable, Sendable {
    public var stream: StreamName
    /// The places of the batch: new ones, or the original ones when `isDuplicate`.
    public var batch: AppendedBatch
    /// The event types of the batch, in order.
    public var eventTypes: [String]
    /// True when the store already held the batch (the same command submitted again).
    public var isDuplicate: Bool

    public init(stream: StreamName, batch: AppendedBatch, eventTypes: [String], isDuplicate: Bool) {
        self.stream = stream
        self.batch = batch
        self.eventTypes = eventTypes
        self.isDuplicate = isDuplicate
    }
}

/// What handling one command came to.
public enum CommandResult: Hashable, Sendable {
    /// The command was accepted; these are the batches it wrote or found written, in append order.
    /// Empty when there was nothing to record (a redelivered message, a profile already so).
    case accepted([WrittenBatch])
    /// The command was refused and nothing was appended for it.
    case rejected(CommandRejection)

    /// Whether the command appended at least one new event.
    public var appendedAnything: Bool {
        guard case .accepted(let batches) = self else { return false }
        return batches.contains { !$0.isDuplicate }
    }
}
