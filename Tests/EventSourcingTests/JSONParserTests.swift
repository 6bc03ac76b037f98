import EventSourcing
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: [
        (" {\"a\" : [1, -2, 3.5, 1e2, -0.25E-1, true, false, null], \"b\": {}} ",
         JSONValue.object(["a": [1, -2, .double(3.5), 100, .double(-0.025), true, false, .null], "b": [:]])),
        (#""tab\there \"q\" \\ \/ \u00e9 \ud83d\ude00""#, .string("tab\there \"q\" \\ / é 😀")),
        ("\"é and 日本\"", .string("é and 日本")),
        ("9223372036854775807", .integer(.max)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("[]", .array([])),
        ("0", .integer(0)),
    ])
    func parsesJSON(text: String, value: JSONValue) {
        #expect(JSONValue(parsing: Array(text.utf8)) == value)
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "1.", ".5", "-", "1e", "+1", "NaN", "1e999",
        "tru", "nul", "\"open", "\"bad \\x escape\"", "\"raw\ncontrol\"", "\"\\ud83d alone\"", "{\"a\":1,\"a\":2}",
        "{\"a\" 1}", "[1 2]", "1 2", "{} x",
    ])
    func refusesWhatIsNotJSON(text: String) {
        #expect(JSONValue(parsing: Array(text.utf8)) == nil)
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(JSONValue(parsing: [0x22, 0xFF, 0x22]) == nil)
        // A truncated two-byte sequence after ASCII, in a value and in a key.
        #expect(JSONValue(parsing: [0x22, 0x61, 0x62, 0xC3, 0x22]) == nil)
        #expect(JSONValue(parsing: Array("{\"a".utf8) + [0xC3] + Array("\":1}".utf8)) == nil)
        #expect(JSONValue(parsing: Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8)) == nil)
        #expect(JSONValue(parsing: Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)) != nil)
    }

    @Test func encodedTextParsesBackToTheSameValue() {
        let value: JSONValue = ["k": ["x": .double(1.5), "y": "a\"b\n", "z": [.null, false, -7]]]
        #expect(JSONValue(parsing: Array(value.encoded.utf8)) == value)
        // 2^53, the one whole double past the integers written without an exponent, stays a double.
        for number in [JSONValue.double(9_007_199_254_740_992), .double(-9_007_199_254_740_992), .double(1e16), .integer(9_007_199_254_740_992)] {
            #expect(JSONValue(parsing: Array(number.encoded.utf8)) == number, "\(number.encoded)")
        }
    }
}

/// A command's numbers reach its events unchanged, or the command is refused.
@Suite struct CommandNumberExactnessTests {
    static func command(data number: String) -> [UInt8] {
        Array(#"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"p","type":"t","at":"2026-11-22T10:15:30Z","actor":"a","data":{"x":\#(number)}}"#.utf8)
    }

    @Test(arguments: [
        // A whole number below 2^53 is an integer however written: equal to what its event reads back.
        ("0.1", JSONValue.double(0.1)), ("1E2", .integer(100)), ("-0.0", .integer(0)), ("5e-324", .double(.leastNonzeroMagnitude)),
        ("0.30000000000000004", .double(0.30000000000000004)), ("1.7976931348623157e308", .double(.greatestFiniteMagnitude)),
        ("100.000", .integer(100)), ("9007199254740991.0", .integer(9_007_199_254_740_991)), ("9007199254740992.0", .double(0x20_0000_0000_0000)),
        ("1e19", .double(1e19)), ("-9223372036854775808", .integer(.min)),
    ])
    func keepsNumbersADoubleHoldsExactly(text: String, value: JSONValue) throws {
        #expect(try CommandEnvelope(json: Self.command(data: text)).data["x"] == value)
    }

    @Test(arguments: [
        ("12345678901234567890", 0), ("[1, 1.00000000000000001]", 4), ("{\"a\": 1e-400}", 6), ("-9223372036854775809", 0),
        ("3.14159265358979323846", 0),
        // 2^63 is a double, but its shortest form, which the event would hold, is 9223372036854776000.
        ("9223372036854775808", 0),
        // Past the largest double: valid JSON, but no number keeps it.
        ("1e400", 0), ("[-1.8e308]", 1),
    ])
    func refusesNumbersThatWouldChange(text: String, offset: Int) {
        let prefix = Self.command(data: "").count - 2
        #expect(throws: CommandRejection(
            "the number at byte \(prefix + offset + 1) cannot be kept exactly: it is neither a 64-bit whole number nor as precise as a 64-bit double"
        )) { try CommandEnvelope(json: Self.command(data: text)) }
    }
}
