import EventSourcing
import Foundation

/// Something the assistant remembers about a user, with its relevance and, for semantic search,
/// its embedding (`text-embedding-3-small`, 1536 dimensions). Recorded once, never changed.
///
/// pgvector stores single-precision floats and refuses infinities and NaN, so each component must be
/// finite as a `Float`; the event carries the `Float`s the column will hold.
public enum Memory: Decider {
    /// The dimensions of `user_memory.embedding`, `vector(1536)`.
    public static let dimensions = 1536
    /// The column's default relevance, used when the command gives none.
    public static let defaultRelevance = 0.5

    /// The seed's memory `type`.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case fact, preference, conversation
    }

    public struct State: Hashable, Sendable, Encodable {
        public var recorded: Recorded?
    }

    public enum Command: Hashable, Sendable {
        case record(Record)
    }

    public struct Record: Hashable, Sendable {
        public var memoryID: UUID
        public var userID: UUID
        public var kind: Kind
        public var content: String
        public var category: String?
        public var relevance: Double
        public var embedding: [Double]?
        public var at: Timestamp

        public init(
            memoryID: UUID, userID: UUID, kind: Kind, content: String, category: String? = nil,
            relevance: Double = Memory.defaultRelevance, embedding: [Double]? = nil, at: Timestamp
        ) {
            self.memoryID = memoryID
            self.userID = userID
            self.kind = kind
            self.content = content
            self.category = category
            self.relevance = relevance
            self.embedding = embedding
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyRecorded(UUID)
        case relevanceOutOfRange(UUID, Double)
        case wrongDimensions(UUID, count: Int)
        case notAFiniteFloat(UUID, index: Int, Double)

        public var description: String {
            switch self {
            case .alreadyRecorded(let id): "memory \(short(id)): already recorded"
            case .relevanceOutOfRange(let id, let relevance): "memory \(short(id)): relevance \(relevance) is outside [0, 1]"
            case .wrongDimensions(let id, let count):
                "memory \(short(id)): an embedding has \(Memory.dimensions) numbers, not \(count)"
            case .notAFiniteFloat(let id, let index, let value):
                "memory \(short(id)): embedding[\(index)] = \(value) is not a finite single-precision number"
            }
        }
    }

    public enum Event: MigueEvent {
        /// `migue.memory.recorded` v1.
        case recorded(Recorded)

        public var type: String {
            switch self {
            case .recorded: "migue.memory.recorded"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .recorded: 2
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .recorded(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.memory.recorded":
                self = .recorded(try EventJSON.decode(
                    Recorded.self, type: type, version: version, payload: payload, upcasters: [Memory.upcastRecordedV1]))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    /// `migue.memory.recorded` v2: the embedding is base64 of 1536 little-endian 32-bit floats
    /// (`Memory+Embedding.swift`), not a JSON array of 1536 numbers as in v1.
    public struct Recorded: Hashable, Sendable {
        public var memoryID: UUID
        public var userID: UUID
        public var kind: Kind
        public var content: String
        public var category: String?
        public var relevance: Double
        public var embedding: [Float]?
        public var createdAt: Timestamp
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .record(let record):
            let id = record.memoryID
            guard state.recorded == nil else { throw .alreadyRecorded(id) }
            guard (0...1).contains(record.relevance) else { throw .relevanceOutOfRange(id, record.relevance) }
            var embedding: [Float]?
            if let numbers = record.embedding {
                guard numbers.count == dimensions else { throw .wrongDimensions(id, count: numbers.count) }
                embedding = []
                embedding?.reserveCapacity(dimensions)
                for (index, number) in numbers.enumerated() {
                    let single = Float(number)
                    guard single.isFinite else { throw .notAFiniteFloat(id, index: index, number) }
                    embedding?.append(single)
                }
            }
            return [.recorded(Recorded(
                memoryID: id, userID: record.userID, kind: record.kind, content: record.content, category: record.category,
                relevance: record.relevance, embedding: embedding, createdAt: record.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        switch event {
        case .recorded(let recorded): State(recorded: recorded)
        }
    }

    /// The embedding as pgvector's text input, `[0.1,-0.25,...]`: each `Float` in its shortest exact form.
    public static func vectorText(_ embedding: [Float]) -> String {
        "[" + embedding.map { "\($0)" }.joined(separator: ",") + "]"
    }
}
