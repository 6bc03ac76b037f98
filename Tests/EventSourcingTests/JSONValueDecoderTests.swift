import EventSourcing
import Foundation
import Testing

@Suite struct JSONValueDecoderTests {
    struct Payload: Codable, Equatable {
        enum Kind: String, Codable { case text, image }
        var id: UUID
        var kind: Kind
        var count: Int32
        var ratio: Double
        var note: String?
        var extra: JSONValue?
        var tags: [String]
        var at: Timestamp
    }

    let text = #"{"id":"6BA7B811-9dad-11d1-80b4-00c04fd430c8","kind":"image","count":7,"ratio":2,"extra":{"a":[1,null,{"b":true}]},"tags":["x","y"],"at":"2026-11-22T10:15:30.250000Z"}"#

    @Test func decodesWhatJSONDecoderDecodes() throws {
        let fast = try JSONValueDecoder().decode(Payload.self, from: Array(text.utf8))
        let foundation = try JSONDecoder().decode(Payload.self, from: Data(text.utf8))
        #expect(fast == foundation)
        #expect(fast.extra == .object(["a": .array([.integer(1), .null, .object(["b": .bool(true)])])]))
        #expect(fast.note == nil)
        #expect(fast.ratio == 2)
    }

    @Test func errorsNameThePath() {
        let wrong = text.replacingOccurrences(of: #""count":7"#, with: #""count":"7""#)
        #expect {
            try JSONValueDecoder().decode(Payload.self, from: Array(wrong.utf8))
        } throws: { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return false }
            return context.codingPath.map(\.stringValue) == ["count"] && context.debugDescription.contains("found a string")
        }
        let missing = text.replacingOccurrences(of: #""kind":"image","#, with: "")
        #expect {
            try JSONValueDecoder().decode(Payload.self, from: Array(missing.utf8))
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return false }
            return key.stringValue == "kind"
        }
        let tooLarge = text.replacingOccurrences(of: #""count":7"#, with: #""count":4294967296"#)
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Payload.self, from: Array(tooLarge.utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Payload.self, from: Array("{".utf8)) }
    }

    /// An integer beyond Int64 parses as a double, rounded: decoded, it would be another number.
    /// Text that is not JSON is named with the byte where reading stopped, and why.
    @Test(arguments: [
        ("[1,2,", "not valid JSON (reading stopped at byte 6)"),
        (#"{"a":1,"a":2}"#, #"not valid JSON: the key "a" appears twice in one object (again at byte 8)"#),
        ("[1] x", "not valid JSON (reading stopped at byte 5)"),
    ])
    func badTextNamesWhereReadingStopped(text: String, message: String) {
        #expect {
            try JSONValueDecoder().decode([Int].self, from: Array(text.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription == message
        }
    }

    @Test func anIntegerADoubleMayHaveRoundedIsRefused() throws {
        let decoder = JSONValueDecoder()
        #expect(throws: DecodingError.self) { try decoder.decode(UInt64.self, from: Array("18446744073709551000".utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Int64.self, from: Array("-9223372036854775809".utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(UInt64.self, from: Array("9007199254740993.0".utf8)) }
        #expect(try decoder.decode(UInt64.self, from: Array("9223372036854775807".utf8)) == 9_223_372_036_854_775_807)
        #expect(try decoder.decode(Int64.self, from: Array("9007199254740991.0".utf8)) == 9_007_199_254_740_991)
        #expect(try decoder.decode(Int32.self, from: Array("-3e2".utf8)) == -300)
    }

    /// A number past `Float`'s range is refused, not made infinite.
    @Test func aFloatOutOfRangeIsRefused() throws {
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode([Float].self, from: Array("[1e300]".utf8)) }
        #expect(try JSONValueDecoder().decode([Float].self, from: Array("[1.5, -2]".utf8)) == [1.5, -2])
    }

    /// A subclass encoding its superclass through `superEncoder()` keeps its fields, in the same
    /// object, where `superDecoder()` reads them.
    @Test func aSuperclassEncodedThroughSuperEncoderKeepsItsFields() throws {
        class Base: Codable {
            var name = "base"
            init() {}
        }
        final class Derived: Base {
            var level = 3
            enum Keys: String, CodingKey { case level }
            override init() { super.init() }
            required init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                level = try container.decode(Int.self, forKey: .level)
                try super.init(from: container.superDecoder())
            }
            override func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(level, forKey: .level)
                try super.encode(to: container.superEncoder())
            }
        }
        let value = Derived()
        value.name = "kept"
        let encoded = try JSONValueEncoder().encodeValue(value)
        #expect(encoded == ["level": 3, "name": "kept"])
        let decoded = try JSONValueDecoder().decode(Derived.self, from: try JSONValueEncoder().encode(value))
        #expect(decoded.name == "kept" && decoded.level == 3)
    }

    @Test func uuidTextParsesBothCasesAndRefusesTheRest() throws {
        for _ in 0..<50 {
            let id = UUID()
            #expect(UUID(text: id.uuidString) == id)
            #expect(UUID(text: id.lowercasedText) == id)
        }
        for bad in ["", "6ba7b811-9dad-11d1-80b4-00c04fd430c", "6ba7b811-9dad-11d1-80b4-00c04fd430c8 ", "6ba7b8119dad-11d1-80b4-00c04fd430c8-",
            "6ba7b811-9dad-11d1-80b4-00c04fd430g8", "{6ba7b811-9dad-11d1-80b4-00c04fd430c8}"]
        {
            #expect(UUID(text: bad) == nil, "\(bad)")
        }
    }
}
