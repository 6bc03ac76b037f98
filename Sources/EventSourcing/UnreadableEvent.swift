/// A stored event that the code reading it cannot decode, named by its place in the log.
///
/// A product's decoder says why (an unknown type, a schema version from a newer build, a payload
/// that does not decode); this adds where, so that `parley state`, `explain`, `audit` and `submit`
/// point at the event rather than at the command or the stream being read.
public struct UnreadableEvent: Error, Hashable, Sendable, CustomStringConvertible {
    public var position: LogPosition
    public var stream: StreamName
    /// The decoder's own description: the type, the version and why.
    public var reason: String

    public init(position: LogPosition, stream: StreamName, reason: String) {
        self.position = position
        self.stream = stream
        self.reason = reason
    }

    public var description: String {
        "cannot read the event at position \(position) in \(PlainText.shown(stream.description)): \(PlainText.shown(reason))"
    }
}

extension RecordedEvent {
    /// The event decoded by `decode`; a failure is rethrown as `UnreadableEvent`, naming this
    /// event's position and stream.
    public func decoded<T>(by decode: (RecordedEvent) throws -> T) throws(UnreadableEvent) -> T {
        do {
            return try decode(self)
        } catch let error as UnreadableEvent {
            throw error
        } catch {
            throw UnreadableEvent(position: position, stream: stream, reason: "\(error)")
        }
    }
}
