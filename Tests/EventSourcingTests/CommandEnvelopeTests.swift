import EventSourcing
import Foundation
import Testing

@Suite struct CommandEnvelopeTests {
    static let valid = #"""
        {"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"migue","type":"reminder.create",
         "at":"2026-11-22T10:15:30+01:00","actor":"webhook","correlation_id":"0b2d3c4e-5f60-4c7a-8f6e-4f1c2a529d1e",
         "data":{"title":"x","n":3,"ok":true,"nested":{"b":[1,2.5,null],"a":"é"}}}
        """#

    @Test func readsEveryField() throws {
        let envelope = try CommandEnvelope(json: Array(Self.valid.utf8))
        #expect(envelope.id == UUID(uuidString: "4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60"))
        #expect(envelope.product == "migue")
        #expect(envelope.type == "reminder.create")
        #expect(envelope.at == Timestamp(rfc3339: "2026-11-22T09:15:30Z"))
        #expect(envelope.actor == "webhook")
        #expect(envelope.correlationID == UUID(uuidString: "0b2d3c4e-5f60-4c7a-8f6e-4f1c2a529d1e"))
        #expect(envelope.causationID == nil)
        #expect(envelope.data == ["title": "x", "n": 3, "ok": true, "nested": ["b": [1, .double(2.5), .null], "a": "é"]])
        #expect(envelope.eventMetadata == EventMetadata(correlationID: envelope.correlationID, causationID: envelope.id, actor: "webhook"))
        #expect(try CommandEnvelope(json: envelope.json) == envelope)
    }

    /// Names and commands too long for the log are rejections, not store failures.
    @Test func tooLongNamesAndCommandsAreRejected() {
        let longActor = Self.valid.replacingOccurrences(of: #""actor":"webhook""#, with: #""actor":"\#(String(repeating: "é", count: 129))""#)
        #expect(throws: CommandRejection(field: "actor", "is 258 bytes; at most 256")) { try CommandEnvelope(json: Array(longActor.utf8)) }
        let longest = Self.valid.replacingOccurrences(of: #""actor":"webhook""#, with: #""actor":"\#(String(repeating: "é", count: 128))""#)
        #expect((try? CommandEnvelope(json: Array(longest.utf8))) != nil)
        let huge = Self.valid.replacingOccurrences(of: #""title":"x""#, with: #""title":"\#(String(repeating: "x", count: 16 << 20))""#)
        #expect(throws: CommandRejection("the command is longer than 16 MiB (16777216 bytes)")) { try CommandEnvelope(json: Array(huge.utf8)) }
    }

    /// Pinned: batches stored with a digest are compared with it, so a change of formula would
    /// refuse every redelivery of a command stored before it.
    @Test func theDigestIsFNV1aOfProductTypeAndCanonicalData() throws {
        let envelope = try CommandEnvelope(json: Array(Self.valid.utf8))
        // FNV-1a of `migue\nreminder.create\n{"n":3,"nested":{"a":"é","b":[1,2.5,null]},"ok":true,"title":"x"}`.
        #expect(envelope.digest == "6ef3b308be9dbdd0")
        let resent = Self.valid.replacingOccurrences(of: #""actor":"webhook""#, with: #""actor":"retry""#)
            .replacingOccurrences(of: #"{"title":"x","n":3"#, with: #"{"n":3,"title":"x""#)
        #expect(try CommandEnvelope(json: Array(resent.utf8)).digest == envelope.digest)
        let changed = Self.valid.replacingOccurrences(of: #""title":"x""#, with: #""title":"y""#)
        #expect(try CommandEnvelope(json: Array(changed.utf8)).digest != envelope.digest)
    }

    @Test func eventIdsDeriveFromTheCommandAndThePlaceInTheBatch() throws {
        let envelope = try CommandEnvelope(json: Array(Self.valid.utf8))
        // Pinned: a change of formula would make every earlier command append again when resubmitted.
        #expect(envelope.eventID(batch: "user", index: 0) == UUID(namespace: envelope.id, name: "user#0"))
        #expect(envelope.eventID(batch: "user", index: 0).uuidString == "0B611307-2A09-8F14-BC76-FCDA49EEB1F8")
        let other = try CommandEnvelope(
            json: Array(Self.valid.replacingOccurrences(of: "4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60", with: "4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f61").utf8))
        #expect(other.eventID(batch: "user", index: 0) != envelope.eventID(batch: "user", index: 0))
        #expect(envelope.eventID(batch: "user", index: 0) != envelope.eventID(batch: "user", index: 1))
        #expect(envelope.eventID(batch: "user", index: 0) != envelope.eventID(batch: "claim", index: 0))
    }

    @Test(arguments: [
        ("{", "not valid JSON (reading stopped at byte 2)"),
        (#"{"id":"x",}"#, "not valid JSON (reading stopped at byte 11)"),
        ("{\"id\": tru}", "not valid JSON (reading stopped at byte 11)"),
        (#"{"id":"x""y":1}"#, "not valid JSON (reading stopped at byte 10)"),
        ("{\"id\":\"a\tb\"}", "not valid JSON (reading stopped at byte 9)"),
        (#"{"id":"\x"}"#, "not valid JSON (reading stopped at byte 9)"),
        (#"{"id":01}"#, "not valid JSON (reading stopped at byte 8)"),
        (#"{"id":[1 2]}"#, "not valid JSON (reading stopped at byte 10)"),
        (#"{"id":"\u12G4"}"#, "not valid JSON (reading stopped at byte 12)"),
        (#"{"id":"\uD800x"}"#, "not valid JSON (reading stopped at byte 14)"),
        (#"{"id":"\uD800\u0041"}"#, "not valid JSON (reading stopped at byte 14)"),
        (#"{"id":"\uD800\n"}"#, "not valid JSON (reading stopped at byte 14)"),
        (#"{"id":"\uD800\"}"#, "not valid JSON (reading stopped at byte 14)"),
        (#"{"id":"\uDC00"}"#, "not valid JSON (reading stopped at byte 8)"),
        (#"{"id":"x","data":{"a":1,"b":2,"a":3}}"#, #"not valid JSON: the key "a" appears twice in one object (again at byte 31)"#),
        (#"{"id":"x","id":"y"}"#, #"not valid JSON: the key "id" appears twice in one object (again at byte 11)"#),
        (#"{"id":"x","a\nb\"":1,"a\nb\"":2}"#, #"not valid JSON: the key "a\nb\"" appears twice in one object (again at byte 22)"#),
        (#"{"\#(String(repeating: "k", count: 70))":1,"\#(String(repeating: "k", count: 70))":2}"#,
         #"not valid JSON: the key "\#(String(repeating: "k", count: 64))"... appears twice in one object (again at byte 77)"#),
        ("{\"data\":" + String(repeating: "[", count: 600), "not valid JSON: arrays and objects nest deeper than 512 at byte 520"),
        ("[1]", "expected an object, found an array"),
        (#"{"product":"migue","type":"t","at":"2026-11-22T10:00:00Z","actor":"a","data":{}}"#, "id: is required"),
        (#"{"id":"nope","product":"migue","type":"t","at":"2026-11-22T10:00:00Z","actor":"a","data":{}}"#, "id: expected a UUID"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"","type":"t","at":"2026-11-22T10:00:00Z","actor":"a","data":{}}"#,
         "product: must not be empty"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":7,"at":"2026-11-22T10:00:00Z","actor":"a","data":{}}"#,
         "type: expected a string, found a number"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"yesterday","actor":"a","data":{}}"#,
         "at: expected an RFC 3339 time"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"0000-12-31T10:00:00Z","actor":"a","data":{}}"#,
         "at: must not be before 0001-01-01T00:00:00Z"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"9999-12-31T23:59:59-00:01","actor":"a","data":{}}"#,
         "at: must not be after 9999-12-31T23:59:59.999999Z"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"2026-02-29T10:00:00Z","actor":"a","data":{}}"#,
         "at: expected an RFC 3339 time"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"2026-11-22T10:00:00Z","data":{}}"#,
         "actor: is required"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"2026-11-22T10:00:00Z","actor":"a\u0000","data":{}}"#,
         "actor: contains U+0000, which PostgreSQL text cannot store"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"2026-11-22T10:00:00Z","actor":"a","data":[]}"#,
         "data: expected an object, found an array"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"2026-11-22T10:00:00Z","actor":"a"}"#,
         "data: is required"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"2026-11-22T10:00:00Z","actor":"a","data":{},"extra":1}"#,
         "extra: is not a field of this command"),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"2026-11-22T10:00:00Z","actor":"a","data":{},"x\nline 2: appended":1}"#,
         #""x\nline 2: appended": is not a field of this command"#),
        (#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"m","type":"t","at":"2026-11-22T10:00:00Z","actor":"a","data":{},"a_key_of_forty_characters_0123456789abcd":1}"#,
         #""a_key_of_forty_characters_012345"...: is not a field of this command"#),
    ])
    func malformedCommandsAreRejectedNamingTheField(json: String, message: String) {
        #expect(throws: CommandRejection.self) { try CommandEnvelope(json: Array(json.utf8)) }
        do {
            _ = try CommandEnvelope(json: Array(json.utf8))
        } catch {
            #expect(error.description == message)
        }
    }

    /// The first byte that is not UTF-8 is named, in a string with escapes or without.
    static let badUTF8: [([UInt8], Int)] = [
        (Array(#"{"id":"ab"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), 10),
        (Array(#"{"id":"a\nb"#.utf8) + [0xFF] + Array(#""}"#.utf8), 12),
        (Array(#"{"d":{"é"#.utf8) + [0xE2, 0x82] + Array(#"":1}}"#.utf8), 10),
    ]

    @Test(arguments: badUTF8)
    func invalidUTF8IsRejectedAtItsByte(json: [UInt8], byte: Int) {
        #expect(throws: CommandRejection("not valid JSON: the byte at \(byte) is not UTF-8")) { try CommandEnvelope(json: json) }
    }

    @Test func fieldReadersNameTheDataPath() {
        var fields = CommandFields(["scheduled_time": "tomorrow", "status": "late", "doc": ["k": "\u{0}"]], path: "data")
        #expect(throws: CommandRejection(field: "data.scheduled_time", "expected an RFC 3339 time")) {
            try fields.timestamp("scheduled_time")
        }
        #expect(throws: CommandRejection(field: "data.status", "expected one of \"inbound\", \"outbound\"")) {
            try fields.choice("status", Direction.self)
        }
        #expect(throws: CommandRejection(field: "data.doc", "contains U+0000, which PostgreSQL jsonb cannot store")) {
            try fields.optionalDocument("doc")
        }
        #expect(throws: CommandRejection(field: "data.title", "is required")) { try fields.string("title") }
        #expect(CommandRejection(field: "data.scheduled_time", "expected an RFC 3339 time").description
            == "data.scheduled_time: expected an RFC 3339 time")
    }

    enum Direction: String, CaseIterable { case inbound, outbound }

    @Test func jsonValuesEncodeWithSortedKeys() {
        let value: JSONValue = ["b": 1, "a": ["z": true, "y": .null], "c": "x/y"]
        #expect(value.encoded == #"{"a":{"y":null,"z":true},"b":1,"c":"x/y"}"#)
    }

    @Test func sqlStatementsDescribeParameterKindsOnly() {
        let statement = SQLStatement("INSERT INTO t VALUES ($1, $2)", [.text("+573001234567"), .null])
        #expect(statement.description == "INSERT INTO t VALUES ($1, $2) -- [text, null]")
        #expect(SQLValue.bytes([0, 255]).text == "\\x00ff")
        #expect(SQLValue.timestamp(Timestamp(microsecondsSinceEpoch: 0)).text == "1970-01-01T00:00:00.000000Z")
    }
}
