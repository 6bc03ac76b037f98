import Foundation

extension UUID {
    /// The id as lowercase hex with dashes (`6ba7b811-9dad-11d1-80b4-00c04fd430c8`), the form
    /// PostgreSQL prints and stream names use; faster than `lowercasedText`.
    public var lowercasedText: String { text(digits: "0123456789abcdef") }

    /// The id as uppercase hex with dashes, as `uuidString` (and Foundation's JSON) writes it.
    public var uppercasedText: String { text(digits: "0123456789ABCDEF") }

    /// Appends the uppercase text (as `uppercasedText`) to `output`, without making a string.
    func appendUppercasedText(to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: 36))
        output.withUnsafeMutableBufferPointer { write(digits: "0123456789ABCDEF", into: UnsafeMutableBufferPointer(rebasing: $0[start...])) }
    }

    private func text(digits: StaticString) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            write(digits: digits, into: buffer)
            return 36
        }
    }

    /// Writes the 36 bytes of the text into the start of `buffer`.
    private func write(digits: StaticString, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeBytes(of: uuid) { bytes in
            var offset = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[offset] = 45
                    offset += 1
                }
                buffer[offset] = digits.utf8Start[Int(byte >> 4)]
                buffer[offset + 1] = digits.utf8Start[Int(byte & 0x0F)]
                offset += 2
            }
        }
    }
}

extension UUID {
    /// The id written as 32 hex digits in groups of 8-4-4-4-12 with dashes, in either case; nil for
    /// anything else. Foundation's `UUID(uuidString:)` without its `sscanf`.
    public init?(text: String) {
        var text = text
        let parsed = text.withUTF8 { bytes -> uuid_t? in
            guard bytes.count == 36 else { return nil }
            var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &value) { output -> Bool in
                var offset = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        guard bytes[offset] == 45 else { return false }
                        offset += 1
                    }
                    guard let high = Self.hexDigit(bytes[offset]), let low = Self.hexDigit(bytes[offset + 1]) else { return false }
                    output[index] = high << 4 | low
                    offset += 2
                }
                return true
            }
            return ok ? value : nil
        }
        guard let parsed else { return nil }
        self.init(uuid: parsed)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 97...102: byte - 87
        case 65...70: byte - 55
        default: nil
        }
    }
}
