import EventSourcing
import Foundation
import Testing

@Suite struct UnreadableEventTests {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "event note.added v3: unknown schema version" }
    }

    static func recorded(in stream: String, at position: UInt64) throws -> RecordedEvent {
        let event = ProposedEvent(
            id: UUID(), type: "note.added", schemaVersion: 3, recordedAt: Timestamp(rfc3339: "2026-11-22T10:00:00Z")!,
            metadata: EventMetadata(actor: "t"), payload: Array(#"{"secret":"+34600000000"}"#.utf8))
        return RecordedEvent(position: LogPosition(position), stream: try #require(StreamName(stream)), version: StreamVersion(0), event: event)
    }

    @Test func aFailedDecodeNamesThePositionAndStream() throws {
        let event = try Self.recorded(in: "note-1", at: 41)
        let error = #expect(throws: UnreadableEvent.self) { try event.decoded { _ throws -> Int in throw Refused() } }
        #expect(error == UnreadableEvent(position: LogPosition(41), stream: event.stream, reason: "event note.added v3: unknown schema version"))
        #expect(error?.description == "cannot read the event at position 41 in note-1: event note.added v3: unknown schema version")
        #expect(try event.decoded { $0.payload.count } == event.payload.count)
    }

    @Test func aStreamNameOrReasonWithAControlCharacterIsQuoted() throws {
        let event = try Self.recorded(in: "note-1\nforged line", at: 0)
        let error = #expect(throws: UnreadableEvent.self) { try event.decoded { _ throws -> Int in throw Refused() } }
        #expect(error?.description == #"cannot read the event at position 0 in "note-1\nforged line": event note.added v3: unknown schema version"#)
        let forged = UnreadableEvent(position: LogPosition(0), stream: try #require(StreamName("note-1")), reason: "stream x\nerror: forged")
        #expect(forged.description == #"cannot read the event at position 0 in note-1: "stream x\nerror: forged""#)
    }

    /// A decoder that reads other events (a fold, a projector) keeps the place of the one it could not read.
    @Test func anUnreadableEventFromInsideIsKept() throws {
        let outer = try Self.recorded(in: "note-1", at: 9)
        let inner = UnreadableEvent(position: LogPosition(3), stream: outer.stream, reason: "bad payload")
        let error = #expect(throws: UnreadableEvent.self) { try outer.decoded { _ throws -> Int in throw inner } }
        #expect(error == inner)
    }
}
