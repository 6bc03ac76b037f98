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
