import EventSourcing
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: [
        (" {\"a\" : [1, -2, 3.5, 1e2, -0.25E-1, true, false, null], \"b\": {}} ",
         JSONValue.object(["a": [1, -2, .double(3.5), .double(100), .double(-0.025), true, false, .null], "b": [:]])),
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
    }
}
