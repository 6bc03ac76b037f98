import Foundation

/// The members of an object being encoded, in the order written (the writer sorts them).
///
/// The overloads for strings, booleans and numbers take the value as it is, without the generic
/// path's type tests; synthesized `encode(to:)` methods call them for such stored properties.
struct KeyedValueEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: EncodingBox
    let codingPath: [any CodingKey]

    private func append(_ key: Key, _ part: EncodingBox.Part) {
        box.append(key.stringValue, part)
    }

    private func append(_ key: Key, _ value: JSONValue) { append(key, .value(value)) }

    private func member(_ key: Key) -> ValueEncoding {
        let member = ValueEncoding(codingPath: codingPath + [key])
        append(key, .box(member.box))
        return member
    }

    mutating func encodeNil(forKey key: Key) { append(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) { append(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) { append(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { append(key, try JSONNumbers.finite(value, at: codingPath + [key])) }
    mutating func encode(_ value: Int, forKey key: Key) { append(key, .integer(Int64(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) { append(key, .integer(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) { append(key, .integer(value)) }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) {
        if let value { append(key, .bool(value)) }
    }

    mutating func encodeIfPresent(_ value: String?, forKey key: Key) {
        if let value { append(key, .string(value)) }
    }

    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) {
        if let value { append(key, .integer(Int64(value))) }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let primitive = try ValueEncoding.primitive(value, at: { codingPath + [key] }) {
            append(key, primitive)
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
    /// The same object: a superclass's members join the subclass's, as `superDecoder()` reads them.
    mutating func superEncoder() -> any Encoder { ValueEncoding(codingPath: codingPath, box: box) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { member(key) }
}

/// The elements of an array being encoded, in order.
struct UnkeyedValueEncoding: UnkeyedEncodingContainer {
    let box: EncodingBox
    let codingPath: [any CodingKey]

    var count: Int { box.elements.count }

    private func append(_ part: EncodingBox.Part) { box.elements.append(part) }

    private mutating func next() -> ValueEncoding {
        let element = ValueEncoding(codingPath: codingPath + [ElementKey(index: count)])
        append(.box(element.box))
        return element
    }

    mutating func encodeNil() { append(.value(.null)) }
    mutating func encode(_ value: String) { append(.value(.string(value))) }
    mutating func encode(_ value: Bool) { append(.value(.bool(value))) }
    mutating func encode(_ value: Int) { append(.value(.integer(Int64(value)))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let primitive = try ValueEncoding.primitive(value, at: { codingPath + [ElementKey(index: count)] }) {
            append(primitive)
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
