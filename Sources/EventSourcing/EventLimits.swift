import Foundation

/// How large an event any store takes: the file log's record limits, which the in-memory store
/// keeps too, so that code tested against it is refused what production refuses.
///
/// An event's size is what the file log stores for it (Specs/log-format.md, "Records"): 56 bytes,
/// 16 for each of a correlation and a causation id, its stream name, type, actor, custom metadata
/// and payload.
public enum EventLimits {
    /// The largest stream name, type or actor, in UTF-8 bytes.
    public static let maximumNameBytes = Int(UInt16.max)
    /// The largest event, as `size(of:streamNameBytes:)` counts it: one block's body.
    public static let maximumEventBytes = 64 << 20
    /// The part of an event's size that does not depend on its fields.
    public static let fixedBytes = 56

    /// The event's size in a stream whose name is `streamNameBytes` long, or nil when a name is too
    /// long or the whole over `maximumEventBytes`.
    @inlinable
    public static func size(of event: ProposedEvent, streamNameBytes: Int) -> Int? {
        let type = event.type.utf8.count, actor = event.metadata.actor.utf8.count
        guard streamNameBytes <= maximumNameBytes, type <= maximumNameBytes, actor <= maximumNameBytes,
            event.metadata.custom.count <= maximumEventBytes, event.payload.count <= maximumEventBytes
        else { return nil }
        var size = fixedBytes + streamNameBytes + type + actor + event.metadata.custom.count + event.payload.count
        if event.metadata.correlationID != nil { size += 16 }
        if event.metadata.causationID != nil { size += 16 }
        return size <= maximumEventBytes ? size : nil
    }

    /// Why the event `id` does not fit, for an error message (no field's content).
    public static func refusal(of id: UUID) -> String {
        "event \(id) has a stream name, type or actor over \(maximumNameBytes) bytes, or is over \(maximumEventBytes >> 20) MiB in all"
    }
}
