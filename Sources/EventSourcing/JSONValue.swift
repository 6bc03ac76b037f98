import Foundation

/// Any JSON value, kept as parsed, so a command's fields can be checked one by one with precise messages.
///
/// Integers that fit `Int64` stay exact; other numbers are `Double` (a command refuses a number
/// that would change on the way: `12345678901234567890`, `1.00000000000000001`). A whole number
/// below 2^53 is `.integer` however it is written (`4.0`, `4e0`), as `JSONValue.number` makes it:
/// equal numbers are equal values, and a value equals what its encoding parses back to.
/// Objects encode with sorted keys through `JSONValue.encoded`, so the same value always gives
/// the same bytes.
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        if let decoding = decoder as? ValueDecoding {
            self = decoding.value
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// A finite number: `.integer` when it is whole and below 2^53 in magnitude, else `.double`.
    /// The parser and the encoder make every number through it, so `4.0`, decided from a command,
    /// equals the `4` its event is written with and read back as. From 2^53 on, a whole double
    /// may be an integer beyond `Int64` rounded (`-9223372036854775809`): it stays a double.
    public static func number(_ value: Double) -> JSONValue {
        if value.magnitude < 0x20_0000_0000_0000, let whole = Int64(exactly: value) { return .integer(whole) }
        return .double(value)
    }

    /// What the value is, as a rejection names it: `a string`, `an object`, ...
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Whether some string in the value (a key or a text) holds U+0000, which PostgreSQL cannot store.
    public var containsNUL: Bool {
        switch self {
        case .null, .bool, .integer, .double: false
        case .string(let text): text.utf8.contains(0)
        case .array(let values): values.contains(where: \.containsNUL)
        case .object(let members):
            members.contains { key, value in key.utf8.contains(0) || value.containsNUL }
        }
    }

    /// Whether every number in the value is finite, as parsing and `JSONValue.number` make them.
    var hasFiniteNumbersOnly: Bool {
        switch self {
        case .null, .bool, .integer, .string: true
        case .double(let number): number.isFinite
        case .array(let values): values.allSatisfy(\.hasFiniteNumbersOnly)
        case .object(let members): members.values.allSatisfy(\.hasFiniteNumbersOnly)
        }
    }

    /// The first NaN or infinity in the value (keys in sorted order), with where it is inside
    /// (`.scores[2]`, or empty for the value itself); nil when every number is finite.
    var nonFiniteNumber: (number: Double, path: String)? {
        guard !hasFiniteNumbersOnly else { return nil }
        switch self {
        case .null, .bool, .integer, .string: return nil
        case .double(let number): return number.isFinite ? nil : (number, "")
        case .array(let values):
            for (index, value) in values.enumerated() {
                if let (number, inner) = value.nonFiniteNumber { return (number, "[\(index)]" + inner) }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                if let (number, inner) = members[key]!.nonFiniteNumber { return (number, "." + key + inner) }
            }
            return nil
        }
    }

    /// The compact JSON text with sorted keys: equal values give equal bytes.
    ///
    /// The value must hold finite numbers only, as parsing and `JSONValue.number` make them; a
    /// `.double(.nan)` or an infinity made by hand stops the program here. `JSONValueEncoder`
    /// throws for one instead.
    public var encoded: String {
        var output: [UInt8] = []
        JSONWriter.write(self, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Parses JSON text strictly (see `JSONParser`); nil when it is not one JSON value.
    public init?(parsing bytes: some Collection<UInt8>) {
        guard let value = JSONParser.parse(Array(bytes)) else { return nil }
        self = value
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
