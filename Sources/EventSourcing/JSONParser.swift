/// A strict RFC 8259 parser into `JSONValue`, fast enough for bulk command files.
///
/// Refuses what JSON refuses (trailing commas, single quotes, leading zeros, control characters in
/// strings, invalid UTF-8, lone surrogates) and, for commands, duplicate keys in one object and
/// nesting deeper than 512.
struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    /// Why reading stopped, when the text there is JSON that Parley cannot keep.
    private var refusal: Stop.Reason?
    private let refusingInexactNumbers: Bool

    private init(_ bytes: [UInt8], refusingInexactNumbers: Bool) {
        self.bytes = bytes
        self.refusingInexactNumbers = refusingInexactNumbers
    }

    /// The value of the whole text; nil when it is not exactly one JSON value.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        if case .success(let value) = parseOrStop(bytes) { return value }
        return nil
    }

    /// The value of the whole text, or the offset (from 0) of the byte where reading stopped:
    /// the first one that cannot continue a JSON value (the end, when the text stops short).
    ///
    /// A command refuses inexact numbers, so that its events hold what it said; a stored payload
    /// is read whatever wrote it.
    static func parseOrStop(_ bytes: [UInt8], refusingInexactNumbers: Bool = false) -> Result<JSONValue, Stop> {
        var parser = JSONParser(bytes, refusingInexactNumbers: refusingInexactNumbers)
        guard let value = parser.value() else { return .failure(Stop(offset: parser.index, reason: parser.refusal ?? .notJSON)) }
        parser.skipWhitespace()
        return parser.index == bytes.count ? .success(value) : .failure(Stop(offset: parser.index, reason: .notJSON))
    }

    struct Stop: Error {
        enum Reason: Equatable {
            case notJSON
            /// A number that `JSONValue` would change: beyond `Int64` and not what the nearest
            /// `Double` writes back (`12345678901234567890`, `1.00000000000000001`, `1e-400`).
            case inexactNumber
            /// A key seen before in the same object; the offset is the second one's quote.
            case duplicateKey(String)
            /// An array or object opened inside `maximumDepth` others; the offset is its bracket.
            case tooDeep
            /// A byte that is not UTF-8 inside a string; the offset is that byte.
            case invalidUTF8
        }

        var offset: Int
        var reason: Reason

        /// What stopped the reading and where, counting bytes from 1 (Specs/commands.md).
        var description: String {
            let byte = offset + 1
            switch reason {
            case .inexactNumber:
                return "the number at byte \(byte) cannot be kept exactly: it is neither a 64-bit whole number nor as precise as a 64-bit double"
            case .duplicateKey(let key):
                return "not valid JSON: the key \(CommandRejection.quoted(key, limit: 64)) appears twice in one object (again at byte \(byte))"
            case .tooDeep: return "not valid JSON: arrays and objects nest deeper than \(JSONParser.maximumDepth) at byte \(byte)"
            case .invalidUTF8: return "not valid JSON: the byte at \(byte) is not UTF-8"
            case .notJSON: return "not valid JSON (reading stopped at byte \(byte))"
            }
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    /// Reads `literal`; when the text differs, stops at the first byte that does (or the end).
    private mutating func consume(_ literal: StaticString) -> Bool {
        for offset in 0..<literal.utf8CodeUnitCount {
            guard index < bytes.count, bytes[index] == literal.utf8Start[offset] else { return false }
            index += 1
        }
        return true
    }

    private mutating func value() -> JSONValue? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return consume("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return consume("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return consume("null") ? .null : nil
        default: return number()
        }
    }

    /// How deeply arrays and objects may nest.
    static let maximumDepth = 512

    private mutating func object() -> JSONValue? {
        guard depth < Self.maximumDepth else { return refuse(.tooDeep, at: index) }
        depth += 1
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object([:])
        }
        // Room for a command's dozen fields at once, rather than growing four times.
        var members = [String: JSONValue](minimumCapacity: 12)
        while true {
            skipWhitespace()
            let keyStart = index
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard let member = value() else { return nil }
            guard members.updateValue(member, forKey: key) == nil else { return refuse(.duplicateKey(key), at: keyStart) }
            skipWhitespace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default: return nil
            }
        }
    }

    private mutating func array() -> JSONValue? {
        guard depth < Self.maximumDepth else { return refuse(.tooDeep, at: index) }
        depth += 1
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            guard let element = value() else { return nil }
            elements.append(element)
            skipWhitespace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: return nil
            }
        }
    }

    /// A string starting at the opening quote.
    private mutating func string() -> String? {
        index += 1
        let start = index
        var bits: UInt8 = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            bits |= bytes[index]
            index += 1
        }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "\"") {
            let text = start..<index
            index += 1
            // ASCII is valid UTF-8 as it stands, and decoding it costs a third of validating it.
            guard bits < 0x80 else { return String(validating: bytes[text], as: UTF8.self) ?? refuseUTF8(from: start) }
            return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[text]), as: UTF8.self) }
        }
        var unescaped = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(validating: unescaped, as: UTF8.self) ?? refuseUTF8(from: start)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                index += 1
                switch bytes[index - 1] {
                case UInt8(ascii: "\""): unescaped.append(0x22)
                case UInt8(ascii: "\\"): unescaped.append(0x5C)
                case UInt8(ascii: "/"): unescaped.append(0x2F)
                case UInt8(ascii: "b"): unescaped.append(0x08)
                case UInt8(ascii: "f"): unescaped.append(0x0C)
                case UInt8(ascii: "n"): unescaped.append(0x0A)
                case UInt8(ascii: "r"): unescaped.append(0x0D)
                case UInt8(ascii: "t"): unescaped.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = escapedScalar() else { return nil }
                    unescaped.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    index -= 1
                    return nil
                }
            case ..<0x20:
                index -= 1
                return nil
            default: unescaped.append(byte)
            }
        }
        return nil
    }

    /// Stops reading at `offset` for `reason`; returns nil, for the caller to pass on.
    private mutating func refuse<Value>(_ reason: Stop.Reason, at offset: Int) -> Value? {
        refusal = reason
        index = offset
        return nil
    }

    /// Stops at the first byte that is not UTF-8 in the string whose text starts at `start`.
    /// Escapes are ASCII, and the scalars they give are checked as they are read, so the bad byte
    /// is one of the text's own.
    private mutating func refuseUTF8(from start: Int) -> String? {
        refuse(.invalidUTF8, at: start + UTF8Check.firstInvalidOffset(in: bytes[start...]))
    }

    /// The scalar of `\uXXXX` (after the `u`), joining a surrogate pair. A lone surrogate stops
    /// reading at its backslash; a byte that is not a hex digit, at that byte.
    private mutating func escapedScalar() -> Unicode.Scalar? {
        let escape = index - 2
        guard let high = hex4() else { return nil }
        if (0xD800..<0xDC00).contains(high) {
            let lowEscape = index
            // Another escape (`\n`) stops at its backslash, the byte right after the high surrogate.
            guard consume("\\u") else { return refuse(.notJSON, at: lowEscape) }
            guard let low = hex4() else { return nil }
            guard (0xDC00..<0xE000).contains(low) else { return refuse(.notJSON, at: lowEscape) }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        return Unicode.Scalar(high) ?? refuse(.notJSON, at: escape)
    }

    private mutating func hex4() -> UInt32? {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func number() -> JSONValue? {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { return nil }
        // A leading zero: the digit after it cannot continue the number.
        guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return refuse(.notJSON, at: integerStart + 1) }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            integral = false
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            integral = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let value = Int64(text) { return .integer(value) }
        guard let value = Double(text) else { return nil }
        // Valid JSON past the largest double: no number keeps it.
        guard value.isFinite else {
            return refusingInexactNumbers ? refuse(.inexactNumber, at: start) : nil
        }
        guard !refusingInexactNumbers || DecimalForm(text.utf8) == DecimalForm("\(value)".utf8) else {
            return refuse(.inexactNumber, at: start)
        }
        return .number(value)
    }
}
