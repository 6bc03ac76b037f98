import EventSourcing
import Foundation

extension ChatterbotImport {
    /// One memory the assistant keeps: its label, type, content, category, relevance in hundredths
    /// (exact in a double), and whether it gets an embedding.
    struct MemoryNote: Sendable {
        var label: String
        var type: String
        var content: String
        var category: String
        var relevance: Int
        var embedded: Bool
    }

    /// When the assistant writes its memories: ten minutes after the start, a second apart.
    static let memoriesWritten: Int64 = 10 * minute

    /// What the assistant remembers of a conversation: each exchange (a user line and the reply
    /// after it) as a `conversation` memory, later ones more relevant; the file's categories as a
    /// `fact`; the language as a `preference`. Exchanges and the fact get a `TextEmbedding` of their
    /// content, so a user's memories can be searched by meaning; the preference has none.
    static func notes(_ place: Place, lines: [String]) -> [MemoryNote] {
        let exchanges = stride(from: 0, to: lines.count, by: 2).map { lines[$0..<min($0 + 2, lines.count)] }
        var notes = exchanges.enumerated().map { number, exchange in
            MemoryNote(
                label: "memory/exchange/\(number)", type: "conversation", content: exchange.joined(separator: " \u{2014} "),
                category: place.file.name, relevance: 50 + 50 * (number + 1) / exchanges.count, embedded: true)
        }
        let topics = place.file.categories.isEmpty ? [place.file.name] : place.file.categories
        notes.append(MemoryNote(
            label: "memory/topics", type: "fact", content: "Talks about \(topics.joined(separator: ", "))",
            category: "topics", relevance: 80, embedded: true))
        notes.append(MemoryNote(
            label: "memory/language", type: "preference", content: "Prefers to chat in \(place.file.language.folder)",
            category: "language", relevance: 90, embedded: false))
        return notes
    }

    /// `memory.record` for each of `notes(_:lines:)`.
    func memories(_ place: Place, lines: [String]) -> [CommandEnvelope] {
        Self.notes(place, lines: lines).enumerated().map { offset, note in
            var data: [String: JSONValue] = [
                "memory_id": place.idText(note.label), "user_id": place.user, "type": .string(note.type),
                "content": .string(note.content), "category": .string(note.category),
                "relevance": .number(Double(note.relevance) / 100),
            ]
            if note.embedded { data["embedding"] = .array(TextEmbedding.vector(note.content).map(JSONValue.number)) }
            return place.command(note.label, "memory.record", at: place.at(Self.memoriesWritten + Int64(offset)), data)
        }
    }
}
