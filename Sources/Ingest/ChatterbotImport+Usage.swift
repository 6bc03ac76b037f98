import EventSourcing
import Foundation

extension ChatterbotImport {
    /// A model and its list prices, in 10^-8 USD per token (so costs are exact integers of the
    /// `DECIMAL(12, 8)` column's unit): gemini-2.5-flash $0.30 / $2.50 per million tokens in / out.
    struct Model: Sendable {
        var provider: String
        var name: String
        var input: Int64
        var output: Int64
    }

    /// The chat models, one per conversation in turn.
    static let chatModels = [
        Model(provider: "gemini", name: "gemini-2.5-flash", input: 30, output: 250),
        Model(provider: "claude", name: "claude-haiku-4-5", input: 100, output: 500),
        Model(provider: "groq", name: "llama-3.3-70b-versatile", input: 59, output: 79),
        Model(provider: "openai", name: "gpt-4o-mini", input: 15, output: 60),
    ]

    static let embeddingModel = Model(provider: "openai", name: "text-embedding-3-small", input: 2, output: 0)

    /// The tokens of the assistant's instructions, sent before every reply.
    static let systemPromptTokens: Int64 = 120

    /// The AI usage of a conversation: a `chat` record for its replies (none without a reply), an
    /// `embeddings` record for its embedded memories, and, in turn by index modulo 3, the user's
    /// first message as a voice note (`audio_transcription`), a scanned page (`ocr`) or a photo
    /// (`image_analysis`). Tokens are a quarter of the characters; costs follow the list prices.
    func usage(_ place: Place, lines: [String]) -> [CommandEnvelope] {
        var commands: [CommandEnvelope] = []
        let chat = Self.chatTokens(lines)
        if chat.replies > 0 {
            let model = Self.chatModels[place.index % Self.chatModels.count]
            commands.append(record(place, "chat", model, at: 3 + Int64(lines.count), input: chat.input, output: chat.output,
                metadata: ["replies": .integer(Int64(chat.replies))]))
        }
        let embedded = Self.notes(place, lines: lines).filter(\.embedded)
        commands.append(record(place, "embeddings", Self.embeddingModel, at: Self.memoriesWritten,
            input: embedded.reduce(0) { $0 + Self.tokens($1.content) }, output: nil,
            metadata: ["memories": .integer(Int64(embedded.count))]))
        commands.append(media(place, lines: lines))
        return commands
    }

    /// The tokens of a conversation's replies (every second line): each reply reads the
    /// instructions and every line before it, and writes its own line.
    static func chatTokens(_ lines: [String]) -> (replies: Int, input: Int64, output: Int64) {
        var replies = 0, input: Int64 = 0, output: Int64 = 0, read: Int64 = 0
        for (turn, line) in lines.enumerated() {
            let tokens = Self.tokens(line)
            if turn % 2 == 1 {
                replies += 1
                input += systemPromptTokens + read
                output += tokens
            }
            read += tokens
        }
        return (replies, input, output)
    }

    /// The first message read as a voice note, a scanned page or a photo, by index modulo 3.
    private func media(_ place: Place, lines: [String]) -> CommandEnvelope {
        let first = ["wa_message_id": JSONValue.string(place.waMessageID(turn: 0))]
        switch place.index % 3 {
        case 0:
            // Whisper on Groq: $0.04 an hour of audio; speech runs about 12 characters a second.
            let seconds = 3 + Int64(lines[0].unicodeScalars.count) / 12
            let model = Model(provider: "groq", name: "whisper-large-v3-turbo", input: 0, output: 0)
            return record(place, "audio_transcription", model, at: 3, input: nil, output: nil,
                cost: seconds * 4_000_000 / 3600, metadata: first.merging(["audio_seconds": .integer(seconds)]) { $1 })
        case 1:
            let model = Model(provider: "tesseract", name: "tesseract-5", input: 0, output: 0)
            return record(place, "ocr", model, at: 3, input: nil, output: nil, metadata: first.merging(["pages": .integer(1)]) { $1 })
        default:
            // An image is 258 tokens to Gemini; the prompt is the line, the answer the reply.
            let answer = lines.count > 1 ? lines[1] : lines[0]
            return record(place, "image_analysis", Self.chatModels[0], at: 3, input: 258 + Self.tokens(lines[0]),
                output: Self.tokens(answer), metadata: first)
        }
    }

    /// `ai-usage.record` of `task`, `at` seconds after the start; the cost is the model's prices
    /// times the tokens unless given, in 10^-8 USD.
    private func record(
        _ place: Place, _ task: String, _ model: Model, at seconds: Int64, input: Int64?, output: Int64?, cost: Int64? = nil,
        metadata: [String: JSONValue]
    ) -> CommandEnvelope {
        let units = cost ?? ((input ?? 0) * model.input + (output ?? 0) * model.output)
        var data: [String: JSONValue] = [
            "usage_id": place.idText("ai-usage/\(task)"), "provider": .string(model.provider), "task_type": .string(task),
            "model": .string(model.name), "cost_usd": .number(Double(units) / 1e8), "user_id": place.user,
            "conversation_id": place.conversation, "metadata": .object(metadata),
        ]
        if let input { data["tokens_input"] = .integer(input) }
        if let output { data["tokens_output"] = .integer(output) }
        return place.command("ai-usage/\(task)", "ai-usage.record", at: place.at(seconds), data)
    }
}
