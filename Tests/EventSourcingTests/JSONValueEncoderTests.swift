import EventSourcing
import Foundation
import Testing

@Suite struct JSONValueEncoderTests {
    static let foundation = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    struct Payload: Codable {
        var id: UUID
        var at: Timestamp
        var note: String?
        var missing: Int?
        var ratio: Double
        var small: Float
        var counts: [Int32]
        var nested: [String: [Bool]]
        var extra: JSONValue?
    }

    static func same(_ value: some Encodable) throws -> Bool {
        try JSONValueEncoder().encode(value) == Array(foundation.encode(value))
    }

    @Test func writesWhatFoundationWritesForAStruct() throws {
        let payload = Payload(
            id: UUID(), at: Timestamp(microsecondsSinceEpoch: 1_795_342_530_250_000), note: "a \"quoted\" / slashed\n\u{1}é😀",
            ratio: 0.1, small: 0.1, counts: [1, -2, 3], nested: ["b": [true], "a": [], "ä": [false], "Z": [true]],
            extra: .object(["k": .array([.null, .double(1e-5), .integer(Int64.min)])]))
        #expect(try Self.same(payload))
    }

    @Test func writesWhatFoundationWritesForRandomValues() throws {
        var random = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "B", "/", "\\", "\"", "\n", "\t", "\u{0}", "\u{7}", "\u{1F}", "\u{7F}", "é", "中", "😀", " ", "0"]
        func text() -> String { String((0..<Int.random(in: 0...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! }) }
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0...(depth > 2 ? 4 : 6), using: &random) {
            case 0: .null
            case 1: .bool(Bool.random(using: &random))
            case 2: .integer(Int64.random(in: Int64.min...Int64.max, using: &random))
            case 3:
                .double([0.1, -0.0, 1e-7, 123456789012345678901234.0, 2.5, -1e300, Double.leastNonzeroMagnitude, Double.random(in: -1e6...1e6, using: &random)]
                    .randomElement(using: &random)!)
            case 4: .string(text())
            case 5: .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth + 1) })
            default: .object(Dictionary((0..<Int.random(in: 0...4, using: &random)).map { _ in (text(), value(depth + 1)) }, uniquingKeysWith: { a, _ in a }))
            }
        }
        for _ in 0..<500 {
            let sample = value(0)
            #expect(try Self.same(sample), "\(sample)")
            #expect(sample.encoded == String(decoding: try Self.foundation.encode(sample), as: UTF8.self))
        }
    }

    @Test func refusesNonFiniteNumbers() {
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(["x": Double.infinity]) }
    }

    /// A `JSONValue` made by hand with a NaN inside is refused with where it is, not written.
    @Test func refusesANonFiniteNumberInsideAJSONValue() throws {
        struct Payload: Encodable { var data: JSONValue }
        let payload = Payload(data: ["name": "x", "scores": [1, .double(-.infinity)]])
        let error = try #require(throws: EncodingError.self) { try JSONValueEncoder().encode(payload) }
        guard case .invalidValue(_, let context) = error else {
            Issue.record("not invalidValue: \(error)")
            return
        }
        #expect(context.codingPath.map(\.stringValue) == ["data"])
        #expect(context.debugDescription == "JSON has no -inf at .scores[1]")
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(JSONValue.double(.nan)) }
    }
}

@Suite struct JSONValueEncoderKeyTests {
    /// Writes one key twice, as a hand-written `encode(to:)` might.
    struct Twice: Encodable {
        enum Key: String, CodingKey { case a, b }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(1, forKey: .b)
            try container.encode("first", forKey: .a)
            try container.encode("last", forKey: .a)
        }
    }

    @Test func theLastOfAKeyWrittenTwiceWinsAsInTheTree() throws {
        let encoder = JSONValueEncoder()
        #expect(String(decoding: try encoder.encode(Twice()), as: UTF8.self) == #"{"a":"last","b":1}"#)
        #expect(try encoder.encodeValue(Twice()) == .object(["a": "last", "b": 1]))
    }
}
