import Foundation

/// Realistic chat event payloads (~200 to 2000 bytes of JSON) built from the dialog corpus.
enum CorpusPayloads {
    /// The lines of dialogue in the corpus `tools/setup` installs, or an error saying how to get it.
    static func sentences(corpus: String) throws -> [String] {
        let data = corpus + "/chatterbot_corpus/data"
        guard let languages = try? FileManager.default.contentsOfDirectory(atPath: data) else {
            throw CorpusMissing(path: data)
        }
        var sentences: [String] = []
        for language in languages.sorted() {
            let folder = data + "/" + language
            for file in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() where file.hasSuffix(".yml") {
                guard let text = try? String(contentsOfFile: folder + "/" + file, encoding: .utf8) else { continue }
                for line in text.split(separator: "\n") {
                    let trimmed = line.drop { $0 == " " || $0 == "-" }
                    if trimmed.count > 1, line.contains("- ") { sentences.append(String(trimmed)) }
                }
            }
        }
        guard !sentences.isEmpty else { throw CorpusMissing(path: data) }
        return sentences
    }

    struct CorpusMissing: Error, CustomStringConvertible {
        var path: String
        var description: String { "no dialog corpus at \(path): run tools/setup" }
    }

    /// `count` message-received payloads, cycling through the sentences; sizes vary with how many
    /// sentences each message quotes.
    static func messages(_ count: Int, sentences: [String]) -> [[UInt8]] {
        (0..<count).map { index in
            var text = ""
            let parts = 1 + (index * 7) % 12
            for part in 0..<parts { text += sentences[(index * 13 + part) % sentences.count] + " " }
            let escaped = text.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\"": return "\\\""
                case "\\": return "\\\\"
                case "\n": return "\\n"
                default: return scalar.value < 0x20 ? "" : String(scalar)
                }
            }.joined()
            let json = #"{"conversation_id":"\#(UUID(namespaceIndex: index / 20))","user_id":"\#(UUID(namespaceIndex: index / 40))","direction":"inbound","msg_type":"text","wa_message_id":"wamid.\#(index)","content":"\#(escaped)","timestamp":"2026-11-22T10:15:30.250000Z"}"#
            return Array(json.utf8)
        }
    }
}

extension UUID {
    /// A fixed UUID for a number, for deterministic benchmark payloads.
    init(namespaceIndex: Int) {
        let value = UInt64(namespaceIndex)
        self.init(uuid: (0x5E, 0xED, 0, 0, 0, 0, 0x40, 0, 0x80, 0, UInt8(truncatingIfNeeded: value >> 40), UInt8(truncatingIfNeeded: value >> 32),
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)))
    }
}
