import Foundation

/// Encodes `Encodable` values as compact JSON with sorted keys, through `JSONValue`: the fast path
/// for event payloads.
///
/// The bytes are those of Foundation's `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` (a test holds the two side by side), without its per-call setup.
/// Doubles must be finite; an encodable that throws passes its error on.
public struct JSONValueEncoder: Sendable {
    public init() {}

    /// `value` as a `JSONValue` tree.
    public func encodeValue(_ value: some Encodable) throws -> JSONValue {
        let encoding = ValueEncoding(codingPath: [])
        try encoding.encodeValue(value)
        return encoding.box.resolved
    }

    /// `value` as JSON text.
    public func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoding = ValueEncoding(codingPath: [])
        try encoding.encodeValue(value)
        var output: [UInt8] = []
        output.reserveCapacity(256)
        encoding.box.write(into: &output)
        return output
    }
}

/// A value under construction: containers fill it in place as the encodable writes to them.
final class EncodingBox {
    /// A member or element: a finished value, or one a nested encoder is still filling in.
    enum Part {
        case value(JSONValue)
        case box(EncodingBox)

        var resolved: JSONValue {
            switch self {
            case .value(let value): value
            case .box(let box): box.resolved
            }
        }

        func write(into output: inout [UInt8]) {
            switch self {
            case .value(let value): JSONWriter.write(value, into: &output)
            case .box(let box): box.write(into: &output)
            }
        }
    }

    enum Content {
        case value(JSONValue)
        case object([(String, Part)])
        case array([Part])
    }

    var content = Content.value(.null)

    var resolved: JSONValue {
        switch content {
        case .value(let value): value
        case .object(let members): .object(Dictionary(members.map { ($0.0, $0.1.resolved) }, uniquingKeysWith: { _, last in last }))
        case .array(let elements): .array(elements.map(\.resolved))
        }
    }

    /// Writes the value as `JSONWriter` writes `resolved`, without building it: members sorted by
    /// key, the last of a key written twice winning.
    func write(into output: inout [UInt8]) {
        switch content {
        case .value(let value): JSONWriter.write(value, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            let order = members.indices.sorted { left, right in
                let (a, b) = (members[left].0, members[right].0)
                return a == b ? left < right : a.utf8.lexicographicallyPrecedes(b.utf8)
            }
            output.append(UInt8(ascii: "{"))
            var first = true
            for (place, index) in order.enumerated() {
                if place + 1 < order.count && members[order[place + 1]].0 == members[index].0 { continue }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                JSONWriter.writeString(members[index].0, into: &output)
                output.append(UInt8(ascii: ":"))
                members[index].1.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}

/// One value being encoded, with where it is.
struct ValueEncoding: Encoder {
    let codingPath: [any CodingKey]
    let box = EncodingBox()
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func encodeValue<T: Encodable>(_ value: T) throws {
        if let primitive = try Self.primitive(value, at: { codingPath }) {
            box.content = .value(primitive)
        } else {
            try value.encode(to: self)
        }
    }

    /// The JSON of the values written without a nested encoder; nil for the rest.
    static func primitive<T: Encodable>(_ value: T, at path: () -> [any CodingKey]) throws -> JSONValue? {
        switch value {
        case let text as String: return .string(text)
        case let json as JSONValue: return json
        case let id as UUID: return .string(id.uppercasedText)
        case let time as Timestamp: return .string(time.description)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .integer(Int64(number))
        case let number as Int64: return .integer(number)
        case let number as Int32: return .integer(Int64(number))
        case let number as Double:
            guard number.isFinite else {
                throw EncodingError.invalidValue(number, .init(codingPath: path(), debugDescription: "JSON has no \(number)"))
            }
            return .double(number)
        default: return nil
        }
    }

    func container<Key: CodingKey>(keyedBy _: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = box.content {} else { box.content = .object([]) }
        return KeyedEncodingContainer(KeyedValueEncoding<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = box.content {} else { box.content = .array([]) }
        return UnkeyedValueEncoding(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }
}

extension ValueEncoding: SingleValueEncodingContainer {
    private func set(_ value: JSONValue) { box.content = .value(value) }

    private func number(_ value: Double) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "JSON has no \(value)"))
        }
        return .double(value)
    }

    func encodeNil() { set(.null) }
    func encode(_ value: Bool) { set(.bool(value)) }
    func encode(_ value: String) { set(.string(value)) }
    func encode(_ value: Double) throws { set(try number(value)) }
    func encode(_ value: Float) throws { set(try number(Double("\(value)") ?? Double(value))) }
    func encode(_ value: Int) { set(.integer(Int64(value))) }
    func encode(_ value: Int8) { set(.integer(Int64(value))) }
    func encode(_ value: Int16) { set(.integer(Int64(value))) }
    func encode(_ value: Int32) { set(.integer(Int64(value))) }
    func encode(_ value: Int64) { set(.integer(value)) }
    func encode(_ value: UInt8) { set(.integer(Int64(value))) }
    func encode(_ value: UInt16) { set(.integer(Int64(value))) }
    func encode(_ value: UInt32) { set(.integer(Int64(value))) }
    func encode(_ value: UInt) throws { try encode(UInt64(value)) }

    func encode(_ value: UInt64) throws {
        guard let exact = Int64(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "integer beyond Int64"))
        }
        set(.integer(exact))
    }

    func encode<T: Encodable>(_ value: T) throws { try encodeValue(value) }
}

/// The members of an object being encoded, in the order written (the writer sorts them).
struct KeyedValueEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: EncodingBox
    let codingPath: [any CodingKey]

    private func append(_ key: Key, _ part: EncodingBox.Part) {
        guard case .object(var members) = box.content else { return }
        box.content = .value(.null)
        members.append((key.stringValue, part))
        box.content = .object(members)
    }

    private func member(_ key: Key) -> ValueEncoding {
        let member = ValueEncoding(codingPath: codingPath + [key])
        append(key, .box(member.box))
        return member
    }

    mutating func encodeNil(forKey key: Key) { append(key, .value(.null)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let primitive = try ValueEncoding.primitive(value, at: { codingPath + [key] }) {
            append(key, .value(primitive))
        } else {
            try member(key).encodeValue(value)
        }
    }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else { return }
        try encode(value, forKey: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        member(key).container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { member(key).unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { ValueEncoding(codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { member(key) }
}

/// The elements of an array being encoded, in order.
struct UnkeyedValueEncoding: UnkeyedEncodingContainer {
    let box: EncodingBox
    let codingPath: [any CodingKey]

    var count: Int {
        if case .array(let elements) = box.content { return elements.count }
        return 0
    }

    private func append(_ part: EncodingBox.Part) {
        guard case .array(var elements) = box.content else { return }
        box.content = .value(.null)
        elements.append(part)
        box.content = .array(elements)
    }

    private mutating func next() -> ValueEncoding {
        let element = ValueEncoding(codingPath: codingPath + [ElementKey(index: count)])
        append(.box(element.box))
        return element
    }

    mutating func encodeNil() { append(.value(.null)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let primitive = try ValueEncoding.primitive(value, at: { codingPath + [ElementKey(index: count)] }) {
            append(.value(primitive))
        } else {
            try next().encodeValue(value)
        }
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        next().container(keyedBy: NestedKey.self)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { next() }
}
