import EventSourcing
import Foundation

/// One call to an AI provider and what it cost: the operator's cost ledger. Recorded once.
///
/// `cost_usd` is `DECIMAL(12, 8)`: not negative, below 10000, at most 8 decimals (more would be
/// rounded by the column, so they are refused).
public enum AIUsage: Decider {
    /// `cost_usd DECIMAL(12, 8)`.
    public static let costPrecision = (precision: 12, scale: 8)

    public enum Provider: String, Hashable, Sendable, Codable, CaseIterable {
        case gemini, claude, groq, openai, tesseract
    }

    public enum TaskType: String, Hashable, Sendable, Codable, CaseIterable {
        case chat, audioTranscription = "audio_transcription", ocr, embeddings, imageAnalysis = "image_analysis"
    }

    public struct State: Hashable, Sendable, Encodable {
        public var recorded: Recorded?
    }

    public enum Command: Hashable, Sendable {
        case record(Record)
    }

    public struct Record: Hashable, Sendable {
        public var usageID: UUID
        public var provider: Provider
        public var task: TaskType
        public var model: String?
        public var tokensInput: Int32?
        public var tokensOutput: Int32?
        public var costUSD: DecimalText
        public var userID: UUID?
        public var conversationID: UUID?
        public var metadata: JSONValue?
        public var at: Timestamp

        public init(
            usageID: UUID, provider: Provider, task: TaskType, model: String? = nil, tokensInput: Int32? = nil,
            tokensOutput: Int32? = nil, costUSD: DecimalText, userID: UUID? = nil, conversationID: UUID? = nil,
            metadata: JSONValue? = nil, at: Timestamp
        ) {
            self.usageID = usageID
            self.provider = provider
            self.task = task
            self.model = model
            self.tokensInput = tokensInput
            self.tokensOutput = tokensOutput
            self.costUSD = costUSD
            self.userID = userID
            self.conversationID = conversationID
            self.metadata = metadata
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyRecorded(UUID)
        case negativeTokens(UUID, field: String, Int32)
        case negativeCost(UUID, DecimalText)
        case costDoesNotFit(UUID, DecimalText)

        public var description: String {
            switch self {
            case .alreadyRecorded(let id): "AI usage \(short(id)): already recorded"
            case .negativeTokens(let id, let field, let tokens): "AI usage \(short(id)): \(field) \(tokens) is negative"
            case .negativeCost(let id, let cost): "AI usage \(short(id)): cost_usd \(cost) is negative"
            case .costDoesNotFit(let id, let cost):
                "AI usage \(short(id)): cost_usd \(cost) does not fit DECIMAL(12, 8) "
                    + "(below 10000, at most 8 decimals)"
            }
        }
    }

    public enum Event: MigueEvent {
        /// `migue.ai-usage.recorded` v1.
        case recorded(Recorded)

        public var type: String {
            switch self {
            case .recorded: "migue.ai-usage.recorded"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .recorded: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .recorded(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.ai-usage.recorded":
                self = .recorded(try EventJSON.decode(Recorded.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    /// The usage; `cost_usd` is decimal text (`"0.00012"`).
    public struct Recorded: Hashable, Sendable, Codable {
        public var usageID: UUID
        public var provider: Provider
        public var task: TaskType
        public var model: String?
        public var tokensInput: Int32?
        public var tokensOutput: Int32?
        public var costUSD: DecimalText
        public var userID: UUID?
        public var conversationID: UUID?
        public var metadata: JSONValue?
        public var createdAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case usageID = "usage_id", provider, task = "task_type", model, tokensInput = "tokens_input",
                tokensOutput = "tokens_output", costUSD = "cost_usd", userID = "user_id", conversationID = "conversation_id",
                metadata, createdAt = "created_at"
        }
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .record(let record):
            let id = record.usageID
            guard state.recorded == nil else { throw .alreadyRecorded(id) }
            for (field, tokens) in [("tokens_input", record.tokensInput), ("tokens_output", record.tokensOutput)] {
                if let tokens, tokens < 0 { throw .negativeTokens(id, field: field, tokens) }
            }
            guard record.costUSD.value >= 0 else { throw .negativeCost(id, record.costUSD) }
            guard record.costUSD.fits(precision: costPrecision.precision, scale: costPrecision.scale) else {
                throw .costDoesNotFit(id, record.costUSD)
            }
            return [.recorded(Recorded(
                usageID: id, provider: record.provider, task: record.task, model: record.model,
                tokensInput: record.tokensInput, tokensOutput: record.tokensOutput, costUSD: record.costUSD,
                userID: record.userID, conversationID: record.conversationID, metadata: record.metadata,
                createdAt: record.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        switch event {
        case .recorded(let recorded): State(recorded: recorded)
        }
    }
}
