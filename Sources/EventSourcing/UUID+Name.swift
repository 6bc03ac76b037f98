import Foundation

extension UUID {
    /// A name-based UUID (RFC 9562 version 8, SHA-256 based): the same namespace and name always
    /// give the same id, different ones practically never do.
    ///
    /// Parley derives event ids from command ids and external ids (a WhatsApp message id, a phone
    /// number) this way, so a replayed or redelivered input gets the same id and appends nothing.
    public init(namespace: UUID, name: String) {
        var hasher = SHA256()
        withUnsafeBytes(of: namespace.uuid) { hasher.update($0) }
        var name = name
        name.withUTF8 { hasher.update($0) }
        var bytes = hasher.finalize()
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        self = bytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
    }
}

extension UUID {
    /// The id as lowercase hex with dashes (`6ba7b811-9dad-11d1-80b4-00c04fd430c8`), the form
    /// PostgreSQL prints and stream names use; faster than `uuidString.lowercased()`.
    public var lowercasedText: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { buffer in
                let digits: StaticString = "0123456789abcdef"
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
                return 36
            }
        }
    }
}
