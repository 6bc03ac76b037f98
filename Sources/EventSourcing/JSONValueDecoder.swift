import Foundation

/// Decodes `Decodable` values from JSON text through `JSONValue`: the fast path for event payloads.
///
/// Foundation's `JSONDecoder` has no way to ask what kind of value comes next, so a `JSONValue`
/// field had to be decoded by trying each kind in turn, each failure a thrown error. Here a
/// `JSONValue` field is the parsed subtree itself, UUIDs parse without `sscanf`, and integers
/// stay exact. Strict: a missing key, a wrong kind or a number out of range is a `DecodingError`
/// naming the coding path.
public struct JSONValueDecoder: Sendable {
    public init() {}

    /// The value of type `T` that `bytes` (one JSON text) holds.
    public func decode<T: Decodable>(_: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        switch JSONParser.parseOrStop(Array(bytes)) {
        case .success(let value): return try decode(T.self, from: value)
        case .failure(let stop): throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: stop.description))
        }
    }

    /// The value of type `T` that `value` holds.
    public func decode<T: Decodable>(_: T.Type, from value: JSONValue) throws -> T {
        try ValueDecoding(value: value, parentPath: [], key: nil).decodeValue(T.self)
    }
}

/// One value being decoded, with where it is (the path is put together only when asked for).
struct ValueDecoding: Decoder {
    let value: JSONValue
    let parentPath: [any CodingKey]
    let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var codingPath: [any CodingKey] { key.map { parentPath + [$0] } ?? parentPath }

    func decodeValue<T: Decodable>(_: T.Type) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if T.self == String.self { return try decode(String.self) as! T }
        if T.self == Timestamp.self {
            guard let time = Timestamp(rfc3339: try decode(String.self)) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "not an RFC 3339 time"))
            }
            return time as! T
        }
        if T.self == UUID.self {
            guard case .string(let text) = value else { throw mismatch(T.self) }
            guard let id = UUID(text: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "not a UUID"))
            }
            return id as! T
        }
        return try T(from: self)
    }

    func mismatch(_ type: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(type), found \(value.kind)"))
    }

    func container<Key: CodingKey>(keyedBy _: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: JSONValue].self) }
        return KeyedDecodingContainer(KeyedValueDecoding<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([JSONValue].self) }
        return UnkeyedValueDecoding(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }
}

extension ValueDecoding: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value == .null }

    func decode(_: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self) }
        return flag
    }

    func decode(_: String.Type) throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self) }
        return text
    }

    func decode(_: Double.Type) throws -> Double {
        switch value {
        case .double(let number): return number
        case .integer(let number): return Double(number)
        default: throw mismatch(Double.self)
        }
    }

    func decode(_: Float.Type) throws -> Float {
        let number = try decode(Double.self)
        let float = Float(number)
        guard float.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(number) does not fit a Float"))
        }
        return float
    }

    func decode<T: BinaryInteger & Decodable>(integer _: T.Type) throws -> T {
        let exact: T? =
            switch value {
            case .integer(let number): T(exactly: number)
            // From 2^53 on, a double may have been rounded from the integer written (a JSON integer
            // beyond Int64 parses as a double): refused, rather than decoded as another number.
            case .double(let number): number.magnitude < 0x20_0000_0000_0000 ? T(exactly: number) : nil
            default: throw mismatch(T.self)
            }
        guard let exact else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "number out of range for \(T.self)"))
        }
        return exact
    }

    func decode(_: Int.Type) throws -> Int { try decode(integer: Int.self) }
    func decode(_: Int8.Type) throws -> Int8 { try decode(integer: Int8.self) }
    func decode(_: Int16.Type) throws -> Int16 { try decode(integer: Int16.self) }
    func decode(_: Int32.Type) throws -> Int32 { try decode(integer: Int32.self) }
    func decode(_: Int64.Type) throws -> Int64 { try decode(integer: Int64.self) }
    func decode(_: UInt.Type) throws -> UInt { try decode(integer: UInt.self) }
    func decode(_: UInt8.Type) throws -> UInt8 { try decode(integer: UInt8.self) }
    func decode(_: UInt16.Type) throws -> UInt16 { try decode(integer: UInt16.self) }
    func decode(_: UInt32.Type) throws -> UInt32 { try decode(integer: UInt32.self) }
    func decode(_: UInt64.Type) throws -> UInt64 { try decode(integer: UInt64.self) }

    func decode<T: Decodable>(_: T.Type) throws -> T { try decodeValue(T.self) }
}

/// The members of an object being decoded.
struct KeyedValueDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> ValueDecoding {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no member \"\(key.stringValue)\""))
        }
        return ValueDecoding(value: value, parentPath: codingPath, key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key).decodeNil() }
    func decode(_: Bool.Type, forKey key: Key) throws -> Bool { try member(key).decode(Bool.self) }
    func decode(_: String.Type, forKey key: Key) throws -> String { try member(key).decode(String.self) }
    func decode(_: Double.Type, forKey key: Key) throws -> Double { try member(key).decode(Double.self) }
    func decode(_: Float.Type, forKey key: Key) throws -> Float { try member(key).decode(Float.self) }
    func decode(_: Int.Type, forKey key: Key) throws -> Int { try member(key).decode(Int.self) }
    func decode(_: Int8.Type, forKey key: Key) throws -> Int8 { try member(key).decode(Int8.self) }
    func decode(_: Int16.Type, forKey key: Key) throws -> Int16 { try member(key).decode(Int16.self) }
    func decode(_: Int32.Type, forKey key: Key) throws -> Int32 { try member(key).decode(Int32.self) }
    func decode(_: Int64.Type, forKey key: Key) throws -> Int64 { try member(key).decode(Int64.self) }
    func decode(_: UInt.Type, forKey key: Key) throws -> UInt { try member(key).decode(UInt.self) }
    func decode(_: UInt8.Type, forKey key: Key) throws -> UInt8 { try member(key).decode(UInt8.self) }
    func decode(_: UInt16.Type, forKey key: Key) throws -> UInt16 { try member(key).decode(UInt16.self) }
    func decode(_: UInt32.Type, forKey key: Key) throws -> UInt32 { try member(key).decode(UInt32.self) }
    func decode(_: UInt64.Type, forKey key: Key) throws -> UInt64 { try member(key).decode(UInt64.self) }
    func decode<T: Decodable>(_: T.Type, forKey key: Key) throws -> T { try member(key).decodeValue(T.self) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try member(key).container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try member(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { ValueDecoding(value: .object(members), parentPath: codingPath, key: nil) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try member(key) }
}

/// The elements of an array being decoded, in order.
struct UnkeyedValueDecoding: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> ValueDecoding {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self, .init(codingPath: codingPath, debugDescription: "the array has only \(elements.count) elements"))
        }
        defer { currentIndex += 1 }
        return ValueDecoding(value: elements[currentIndex], parentPath: codingPath, key: ElementKey(index: currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_: T.Type) throws -> T { try next().decodeValue(T.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

/// The place of an array element in a coding path.
struct ElementKey: CodingKey {
    var stringValue: String { "\(index)" }
    var intValue: Int? { index }
    let index: Int

    init(index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { index = intValue }
}
