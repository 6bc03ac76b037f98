import EventSourcing
import Foundation

/// One event's bytes inside a block body (Specs/log-format.md, "Records").
///
/// A 56-byte fixed header, then the optional correlation and causation ids, then the variable
/// fields in order: stream name, type, actor, custom metadata, payload.
enum RecordCodec {
    static let fixedHeaderSize = EventLimits.fixedBytes
    static let hasCorrelation: UInt16 = 1 << 0
    static let hasCausation: UInt16 = 1 << 1

    /// The encoded size of a record, or nil when a field is too long for the format.
    static func size(of event: ProposedEvent, stream: StreamName) -> Int? {
        size(of: event, streamLength: stream.description.utf8.count)
    }

    /// The encoded size of a record whose stream name is `streamLength` bytes, or nil when it is
    /// over the limits every store keeps (`EventLimits`), which the format's fields can hold.
    static func size(of event: ProposedEvent, streamLength: Int) -> Int? {
        EventLimits.size(of: event, streamNameBytes: streamLength)
    }

    /// Appends the record; the caller has checked `size(of:stream:)`.
    static func encode(_ event: ProposedEvent, stream: StreamName, version: StreamVersion, into writer: inout ByteWriter) {
        let streamBytes = Array(stream.description.utf8)
        let size = size(of: event, streamLength: streamBytes.count)!
        let start = writer.bytes.count
        writer.bytes.append(contentsOf: repeatElement(0, count: size))
        writer.bytes.withUnsafeMutableBytes { buffer in
            streamBytes.withUnsafeBytes { encode(event, stream: $0, version: version.rawValue, size: size, into: buffer, at: start) }
        }
    }

    /// Writes the record, `size` bytes (from `size(of:streamLength:)`), at `offset` of `buffer`.
    static func encode(
        _ event: ProposedEvent, stream: UnsafeRawBufferPointer, version: UInt64, size: Int,
        into buffer: UnsafeMutableRawBufferPointer, at offset: Int
    ) {
        precondition(offset >= 0 && size <= buffer.count - offset, "record does not fit its buffer")
        let metadata = event.metadata
        var flags: UInt16 = 0
        if metadata.correlationID != nil { flags |= hasCorrelation }
        if metadata.causationID != nil { flags |= hasCausation }
        var writer = RawWriter(buffer: UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + size]))
        writer.write(UInt32(size))
        writer.write(flags)
        writer.write(event.schemaVersion)
        writer.write(version)
        writer.write(event.recordedAt.microsecondsSinceEpoch)
        writer.write(event.id)
        writer.write(UInt16(stream.count))
        writer.write(UInt16(event.type.utf8.count))
        writer.write(UInt16(metadata.actor.utf8.count))
        writer.write(UInt16(0))
        writer.write(UInt32(metadata.custom.count))
        writer.write(UInt32(event.payload.count))
        if let correlation = metadata.correlationID { writer.write(correlation) }
        if let causation = metadata.causationID { writer.write(causation) }
        writer.write(stream)
        writer.write(event.type)
        writer.write(metadata.actor)
        metadata.custom.withUnsafeBytes { writer.write($0) }
        event.payload.withUnsafeBytes { writer.write($0) }
        precondition(writer.offset == size, "record size mismatch")
    }

    /// Why a record could not be decoded.
    enum Problem: Error, Equatable {
        case truncated
        case lengthMismatch(declared: Int, actual: Int)
        case invalidStreamName
        case invalidUTF8(field: String)
    }

    /// Decodes the record at the reader's offset and moves past it.
    ///
    /// `names` remembers the last stream, type and actor decoded, which repeat within a block, so
    /// they are validated and allocated once.
    static func decode(_ reader: inout ByteReader, position: LogPosition, names: inout NameCache) throws(Problem) -> RecordedEvent {
        let start = reader.offset
        guard let length = reader.read(UInt32.self), let flags = reader.read(UInt16.self),
            let schemaVersion = reader.read(UInt16.self), let version = reader.read(UInt64.self),
            let recordedAt = reader.read(Int64.self), let id = readUUID(&reader),
            let streamLength = reader.read(UInt16.self), let typeLength = reader.read(UInt16.self),
            let actorLength = reader.read(UInt16.self), reader.read(UInt16.self) != nil,
            let customLength = reader.read(UInt32.self), let payloadLength = reader.read(UInt32.self)
        else { throw .truncated }
        let correlation = flags & hasCorrelation != 0 ? readUUID(&reader) : nil
        let causation = flags & hasCausation != 0 ? readUUID(&reader) : nil
        if (flags & hasCorrelation != 0 && correlation == nil) || (flags & hasCausation != 0 && causation == nil) {
            throw .truncated
        }
        guard let streamBytes = reader.readBytes(Int(streamLength)), let typeBytes = reader.readBytes(Int(typeLength)),
            let actorBytes = reader.readBytes(Int(actorLength)), let custom = reader.readBytes(Int(customLength)),
            let payload = reader.readBytes(Int(payloadLength))
        else { throw .truncated }
        let actual = reader.offset - start
        guard actual == Int(length) else { throw .lengthMismatch(declared: Int(length), actual: actual) }
        let stream = try names.stream(streamBytes)
        let type = try names.type(typeBytes)
        let actor = try names.actor(actorBytes)
        let event = ProposedEvent(
            id: id, type: type, schemaVersion: schemaVersion,
            recordedAt: Timestamp(microsecondsSinceEpoch: recordedAt),
            metadata: EventMetadata(correlationID: correlation, causationID: causation, actor: actor, custom: Array(custom)),
            payload: Array(payload)
        )
        return RecordedEvent(position: position, stream: stream, version: StreamVersion(version), event: event)
    }

    /// The id, stream and version of the record at the reader's offset, without copying the rest.
    ///
    /// Checks what `decode` checks but the payload: the lengths add up to the record's, and the
    /// stream, type and actor are UTF-8, so a log that opens has no record that cannot be read.
    static func peekIdentity(_ reader: inout ByteReader) throws(Problem) -> (id: UUID, stream: String, version: StreamVersion) {
        let start = reader.offset
        guard let length = reader.read(UInt32.self), let flags = reader.read(UInt16.self), reader.skip(2),
            let version = reader.read(UInt64.self), reader.skip(8), let id = readUUID(&reader),
            let streamLength = reader.read(UInt16.self), let typeLength = reader.read(UInt16.self),
            let actorLength = reader.read(UInt16.self), reader.skip(2),
            let customLength = reader.read(UInt32.self), let payloadLength = reader.read(UInt32.self)
        else { throw .truncated }
        var extra = 0
        if flags & hasCorrelation != 0 { extra += 16 }
        if flags & hasCausation != 0 { extra += 16 }
        let declared = reader.offset - start + extra + Int(streamLength) + Int(typeLength) + Int(actorLength) + Int(customLength) + Int(payloadLength)
        guard declared == Int(length) else { throw .lengthMismatch(declared: Int(length), actual: declared) }
        guard reader.skip(extra), let streamBytes = reader.readBytes(Int(streamLength)), let typeBytes = reader.readBytes(Int(typeLength)),
            let actorBytes = reader.readBytes(Int(actorLength))
        else { throw .truncated }
        guard let stream = String(validating: streamBytes, as: UTF8.self) else { throw .invalidUTF8(field: "stream") }
        guard String(validating: typeBytes, as: UTF8.self) != nil else { throw .invalidUTF8(field: "type") }
        guard String(validating: actorBytes, as: UTF8.self) != nil else { throw .invalidUTF8(field: "actor") }
        guard reader.skip(Int(customLength) + Int(payloadLength)) else { throw .truncated }
        return (id, stream, StreamVersion(version))
    }

    /// The last stream, type and actor decoded, reused while the next record repeats their bytes.
    struct NameCache {
        private var streamBytes: [UInt8] = [], lastStream: StreamName?
        private var typeBytes: [UInt8] = [], lastType = ""
        private var actorBytes: [UInt8] = [], lastActor = ""

        mutating func stream(_ bytes: UnsafeRawBufferPointer) throws(Problem) -> StreamName {
            if let lastStream, Self.same(bytes, streamBytes) { return lastStream }
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(field: "stream") }
            guard let stream = StreamName(text) else { throw .invalidStreamName }
            streamBytes = Array(bytes)
            lastStream = stream
            return stream
        }

        mutating func type(_ bytes: UnsafeRawBufferPointer) throws(Problem) -> String {
            try Self.text(bytes, field: "type", cachedBytes: &typeBytes, cached: &lastType)
        }

        mutating func actor(_ bytes: UnsafeRawBufferPointer) throws(Problem) -> String {
            try Self.text(bytes, field: "actor", cachedBytes: &actorBytes, cached: &lastActor)
        }

        private static func same(_ bytes: UnsafeRawBufferPointer, _ cached: [UInt8]) -> Bool {
            bytes.count == cached.count && (bytes.isEmpty || cached.withUnsafeBytes { memcmp(bytes.baseAddress!, $0.baseAddress!, bytes.count) == 0 })
        }

        private static func text(_ bytes: UnsafeRawBufferPointer, field: String, cachedBytes: inout [UInt8], cached: inout String) throws(Problem) -> String {
            if same(bytes, cachedBytes) { return cached }
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(field: field) }
            cachedBytes = Array(bytes)
            cached = text
            return text
        }
    }

    static func writeUUID(_ id: UUID, into writer: inout ByteWriter) {
        withUnsafeBytes(of: id.uuid) { writer.write($0) }
    }

    static func readUUID(_ reader: inout ByteReader) -> UUID? {
        guard let raw = reader.readBytes(16) else { return nil }
        return UUID(uuid: raw.loadUnaligned(as: uuid_t.self))
    }
}
