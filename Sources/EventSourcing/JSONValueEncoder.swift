import Foundation

/// Encodes `Encodable` values as compact JSON with sorted keys: the fast path for event payloads.
///
/// The bytes are those of Foundation's `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` (a test holds the two side by side), without its per-call setup,
/// for what payloads hold; Specs/events.md lists where it departs (`-0.0`, doubles from 2^53,
/// `Float`, `Data`, `URL`, `Decimal`).
/// Members are kept as they are written, strings and ids as they are, and the writer sorts and
/// escapes once at the end. Doubles must be finite; an encodable that throws passes its error on.
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
        output.reserveCapacity(512)
        encoding.box.write(into: &output)
        return output
    }
}

/// A value under construction: containers fill it in place as the encodable writes to them.
final class EncodingBox {
    /// A member or element: a finished value, or one a nested encoder is still filling in.
    enum Part {
        case value(JSONValue)
        /// A UUID, written as Foundation writes it (uppercase), without making its text first.
        case uuid(UUID)
        /// A timestamp, written as its `description`, without making the string first.
        case timestamp(Timestamp)
        case box(EncodingBox)

        var resolved: JSONValue {
            switch self {
            case .value(let value): value
            case .uuid(let id): .string(id.uppercasedText)
            case .timestamp(let time): .string(time.description)
            case .box(let box): box.resolved
            }
        }

        func write(into output: inout [UInt8]) {
            switch self {
            case .value(let value): JSONWriter.write(value, into: &output)
            case .uuid(let id):
                output.append(UInt8(ascii: "\""))
                id.appendUppercasedText(to: &output)
                output.append(UInt8(ascii: "\""))
            case .timestamp(let time):
                output.append(UInt8(ascii: "\""))
                time.appendText(to: &output)
                output.append(UInt8(ascii: "\""))
            case .box(let box): box.write(into: &output)
            }
        }
    }

    enum Kind { case single, object, array }

    var kind = Kind.single
    /// The value of a single-value box.
    var single = Part.value(.null)
    /// An object's members, in the order written, each with its key's sort prefix.
    var members: [(key: String, prefix: UInt64, part: Part)] = []
    /// An array's elements.
    var elements: [Part] = []

    var resolved: JSONValue {
        switch kind {
        case .single: single.resolved
        case .object: .object(Dictionary(members.map { ($0.key, $0.part.resolved) }, uniquingKeysWith: { _, last in last }))
        case .array: .array(elements.map(\.resolved))
        }
    }

    /// Makes this box an object (keeping members written so far when it already is one).
    func becomeObject() {
        guard kind != .object else { return }
        kind = .object
        members.reserveCapacity(16)
    }

    /// Makes this box an array (keeping elements written so far when it already is one).
    func becomeArray() {
        guard kind != .array else { return }
        kind = .array
    }

    /// Writes the value as `JSONWriter` writes `resolved`, without building it: members sorted by
    /// key, the last of a key written twice winning.
    func write(into output: inout [UInt8]) {
        switch kind {
        case .single: single.write(into: &output)
        case .array:
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object:
            let order = sortedMemberIndices()
            output.append(UInt8(ascii: "{"))
            var first = true
            for (place, index) in order.enumerated() {
                if place + 1 < order.count && members[order[place + 1]].key == members[index].key { continue }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                JSONWriter.writeString(members[index].key, into: &output)
                output.append(UInt8(ascii: ":"))
                members[index].part.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Adds a member written under `key`.
    func append(_ key: String, _ part: Part) {
        members.append((key, Self.sortPrefix(key), part))
    }

    /// The first 8 UTF-8 bytes of `key`, big-endian, zero-padded: comparing two prefixes orders two
    /// keys as their bytes do, unless the prefixes are equal.
    private static func sortPrefix(_ key: String) -> UInt64 {
        var prefix: UInt64 = 0
        var shift: UInt64 = 56
        for byte in key.utf8.prefix(8) {
            prefix |= UInt64(byte) << shift
            shift &-= 8
        }
        return prefix
    }

    /// The members' indices by key in UTF-8 byte order, equal keys in the order written (an
    /// insertion sort: payloads have a dozen members, often written nearly in order).
    private func sortedMemberIndices() -> [Int] {
        func precedes(_ a: Int, _ b: Int) -> Bool {
            let (left, right) = (members[a].prefix, members[b].prefix)
            return left != right ? left < right : members[a].key.utf8.lexicographicallyPrecedes(members[b].key.utf8)
        }
        var order = Array(members.indices)
        for next in order.indices.dropFirst() {
            let moving = order[next]
            var place = next
            while place > 0 && precedes(moving, order[place - 1]) {
                order[place] = order[place - 1]
                place -= 1
            }
            order[place] = moving
        }
        return order
    }
}

/// One value being encoded, with where it is.
struct ValueEncoding: Encoder {
    let codingPath: [any CodingKey]
    /// A new value's box, or for a keyed container's `superEncoder()` that container's own.
    var box = EncodingBox()
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func encodeValue<T: Encodable>(_ value: T) throws {
        if let primitive = try Self.primitive(value, at: { codingPath }) {
            box.kind = .single
            box.single = primitive
        } else {
            try value.encode(to: self)
        }
    }

    /// The JSON of the values written without a nested encoder; nil for the rest. Types are told
    /// apart by their metatypes, which costs a comparison instead of a dynamic cast.
    static func primitive<T: Encodable>(_ value: T, at path: () -> [any CodingKey]) throws -> EncodingBox.Part? {
        if T.self == String.self { return .value(.string(same(value, as: String.self))) }
        if T.self == UUID.self { return .uuid(same(value, as: UUID.self)) }
        if T.self == Timestamp.self { return .timestamp(same(value, as: Timestamp.self)) }
        if T.self == Bool.self { return .value(.bool(same(value, as: Bool.self))) }
        if T.self == Int.self { return .value(.integer(Int64(same(value, as: Int.self)))) }
        if T.self == JSONValue.self { return .value(try JSONNumbers.finite(same(value, as: JSONValue.self), at: path())) }
        if T.self == Int64.self { return .value(.integer(same(value, as: Int64.self))) }
        if T.self == Int32.self { return .value(.integer(Int64(same(value, as: Int32.self)))) }
        if T.self == Double.self {
            let number = same(value, as: Double.self)
            guard number.isFinite else {
                throw EncodingError.invalidValue(number, .init(codingPath: path(), debugDescription: "JSON has no \(number)"))
            }
            return .value(.number(number))
        }
        return nil
    }

    func container<Key: CodingKey>(keyedBy _: Key.Type) -> KeyedEncodingContainer<Key> {
        box.becomeObject()
        return KeyedEncodingContainer(KeyedValueEncoding<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        box.becomeArray()
        return UnkeyedValueEncoding(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }
}

extension ValueEncoding: SingleValueEncodingContainer {
    private func set(_ value: JSONValue) {
        box.kind = .single
        box.single = .value(value)
    }

    func encodeNil() { set(.null) }
    func encode(_ value: Bool) { set(.bool(value)) }
    func encode(_ value: String) { set(.string(value)) }
    func encode(_ value: Double) throws { set(try JSONNumbers.finite(value, at: codingPath)) }
    func encode(_ value: Float) throws { set(try JSONNumbers.finite(Double("\(value)") ?? Double(value), at: codingPath)) }
    func encode(_ value: Int) { set(.integer(Int64(value))) }
    func encode(_ value: Int8) { set(.integer(Int64(value))) }
    func encode(_ value: Int16) { set(.integer(Int64(value))) }
    func encode(_ value: Int32) { set(.integer(Int64(value))) }
    func encode(_ value: Int64) { set(.integer(value)) }
    func encode(_ value: UInt8) { set(.integer(Int64(value))) }
    func encode(_ value: UInt16) { set(.integer(Int64(value))) }
    func encode(_ value: UInt32) { set(.integer(Int64(value))) }
    func encode(_ value: UInt) throws { set(try JSONNumbers.exact(UInt64(value), at: codingPath)) }
    func encode(_ value: UInt64) throws { set(try JSONNumbers.exact(value, at: codingPath)) }

    func encode<T: Encodable>(_ value: T) throws {
        box.kind = .single
        try encodeValue(value)
    }
}

/// `value` as `U`, the type the caller checked `T` is.
@inline(__always)
private func same<T, U>(_ value: T, as _: U.Type) -> U { unsafeBitCast(value, to: U.self) }

/// The checks numbers pass on their way into JSON.
enum JSONNumbers {
    static func finite(_ value: Double, at path: [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "JSON has no \(value)"))
        }
        return .number(value)
    }

    /// `value` itself when every number in it is finite: a `.double(.nan)` made by hand would
    /// otherwise reach the writer, which has no text for it.
    static func finite(_ value: JSONValue, at path: [any CodingKey]) throws -> JSONValue {
        guard let (number, inner) = value.nonFiniteNumber else { return value }
        let place = inner.isEmpty ? "" : " at \(inner)"
        throw EncodingError.invalidValue(number, .init(codingPath: path, debugDescription: "JSON has no \(number)\(place)"))
    }

    static func exact(_ value: UInt64, at path: [any CodingKey]) throws -> JSONValue {
        guard let exact = Int64(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "integer beyond Int64"))
        }
        return .integer(exact)
    }
}
