import EventSourcing
import Foundation

/// The payload of `migue.memory.recorded`: version 2 stores the embedding compactly.
///
/// v1 wrote the embedding as a JSON array of 1536 numbers: about 15 KB of text per memory, and
/// most of the time of encoding and decoding the event. v2 writes the same `Float`s as base64 of
/// their 32-bit little-endian bytes (8 KB, one copy to encode). The numbers are the same `Float`s
/// either way, so the upcaster loses nothing.
extension Memory.Recorded: Codable {
    enum CodingKeys: String, CodingKey {
        case memoryID = "memory_id", userID = "user_id", kind = "type", content, category, relevance, embedding,
            createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            memoryID: try container.decode(UUID.self, forKey: .memoryID), userID: try container.decode(UUID.self, forKey: .userID),
            kind: try container.decode(Memory.Kind.self, forKey: .kind), content: try container.decode(String.self, forKey: .content),
            category: try container.decodeIfPresent(String.self, forKey: .category),
            relevance: try container.decode(Double.self, forKey: .relevance),
            embedding: try container.decodeIfPresent(String.self, forKey: .embedding).map { text in
                guard let floats = Memory.floats(base64: text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .embedding, in: container, debugDescription: "not base64 of little-endian 32-bit floats")
                }
                return floats
            },
            createdAt: try container.decode(Timestamp.self, forKey: .createdAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(memoryID, forKey: .memoryID)
        try container.encode(userID, forKey: .userID)
        try container.encode(kind, forKey: .kind)
        try container.encode(content, forKey: .content)
        try container.encodeIfPresent(category, forKey: .category)
        try container.encode(relevance, forKey: .relevance)
        try container.encodeIfPresent(embedding.map(Memory.base64), forKey: .embedding)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

extension Memory {
    /// `migue.memory.recorded` v1 to v2: the embedding's JSON numbers become base64 of their
    /// `Float`s, converted exactly as v1's decoder converted them; every other field passes through.
    static func upcastRecordedV1(_ v1: [String: JSONValue]) -> [String: JSONValue] {
        guard case .array(let numbers)? = v1["embedding"] else { return v1 }
        var floats: [Float] = []
        floats.reserveCapacity(numbers.count)
        for number in numbers {
            switch number {
            case .double(let value): floats.append(Float(value))
            case .integer(let value): floats.append(Float(value))
            // Not a number: left as it was, so the decoder refuses it with its own message.
            default: return v1
            }
        }
        var v2 = v1
        v2["embedding"] = .string(base64(floats))
        return v2
    }

    /// Base64 of the floats' 32-bit little-endian bytes.
    static func base64(_ floats: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(floats.count * 4)
        for value in floats { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }

    /// The floats of `base64`; nil when it is not base64 of whole 32-bit values.
    static func floats(base64 text: String) -> [Float]? {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
