import Foundation

/// `uuid`: lowercase text both ways.
extension UUID: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { uuidString.lowercased() }
    public init?(postgresText: String) { self.init(uuidString: postgresText) }
}

/// `bytea`: sent in binary (no escaping, no size doubling), read from the server's hex or escape text.
extension Data: PostgresEncodable, PostgresDecodable {
    /// The hex form, `\x` followed by two lowercase digits per byte.
    public var postgresText: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        text.reserveCapacity(2 + count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var postgresBinding: PostgresBinding { .binary([UInt8](self), typeOID: PostgresTypeOID.bytea) }

    public init?(postgresText: String) {
        let text = Array(postgresText.utf8)
        if text.starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "x")]) {
            guard let bytes = Self.hexBytes(text.dropFirst(2)) else { return nil }
            self.init(bytes)
        } else {
            guard let bytes = Self.escapedBytes(text) else { return nil }
            self.init(bytes)
        }
    }

    private static func hexBytes(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = digits.startIndex
        while index < digits.endIndex {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// The `escape` output format: `\\` for a backslash, `\ooo` (octal) for a non-printable byte.
    private static func escapedBytes(_ text: [UInt8]) -> [UInt8]? {
        var bytes: [UInt8] = []
        var index = 0
        while index < text.count {
            guard text[index] == UInt8(ascii: "\\") else {
                bytes.append(text[index])
                index += 1
                continue
            }
            if index + 1 < text.count, text[index + 1] == UInt8(ascii: "\\") {
                bytes.append(UInt8(ascii: "\\"))
                index += 2
                continue
            }
            guard index + 3 < text.count else { return nil }
            var value = 0
            for digit in text[(index + 1)...(index + 3)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else { return nil }
                value = value * 8 + Int(digit - UInt8(ascii: "0"))
            }
            guard value <= 255 else { return nil }
            bytes.append(UInt8(value))
            index += 4
        }
        return bytes
    }
}

/// A `vector` (pgvector) parameter or value, in its text form `[1,2.5,3]`.
public struct PostgresVector: PostgresEncodable, PostgresDecodable, Equatable {
    public var values: [Float]

    public init(_ values: [Float]) { self.values = values }

    public var postgresText: String { "[" + values.map { String($0) }.joined(separator: ",") + "]" }

    public init?(postgresText: String) {
        guard postgresText.first == "[", postgresText.last == "]" else { return nil }
        let inner = postgresText.dropFirst().dropLast()
        if inner.isEmpty {
            values = []
            return
        }
        var values: [Float] = []
        for item in inner.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Float(item.trimmingCharacters(in: .whitespaces)) else { return nil }
            values.append(value)
        }
        self.values = values
    }
}

/// The OIDs of the built-in types Parley sends in binary.
public enum PostgresTypeOID {
    public static let bytea: UInt32 = 17
}
