import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct MessageTests {
    typealias F = Fixture
    static let conversation = F.id("conversation")

    static func record(
        _ kind: Message.Kind = .text, direction: Message.Direction = .inbound, content: String? = "hola",
        media: String? = nil, wa: String? = "wamid.1"
    ) -> Message.Record {
        Message.Record(
            messageID: wa.map(Migue.messageID) ?? F.id("message"), conversationID: conversation, direction: direction,
            kind: kind, content: content, mediaURL: media, waMessageID: wa, timestamp: F.time(-1), at: F.t0)
    }

    static func recorded(_ record: Message.Record) -> Message.Event {
        .recorded(Message.Recorded(
            messageID: record.messageID, conversationID: record.conversationID, direction: record.direction,
            kind: record.kind, content: record.content, mediaURL: record.mediaURL, mediaMimeType: record.mediaMimeType,
            waMessageID: record.waMessageID, timestamp: record.timestamp, proactive: record.proactive,
            freeEntryPoint: record.freeEntryPoint, recordedAt: record.at))
    }

    @Test(arguments: Message.Kind.allCases, Message.Direction.allCases)
    func recordsEveryTypeInBothDirections(kind: Message.Kind, direction: Message.Direction) {
        let record = Self.record(kind, direction: direction)
        given(Message.self).when(.record(record)).then([Self.recorded(record)])
    }

    @Test(arguments: [("hola", nil), (nil, "https://cdn.example/a.jpg"), ("caption", "https://cdn.example/a.jpg"), ("", nil)] as [(String?, String?)])
    func contentOrMediaIsEnough(content: String?, media: String?) {
        let record = Self.record(.image, content: content, media: media)
        given(Message.self).when(.record(record)).then([Self.recorded(record)])
    }

    @Test func neitherContentNorMediaIsRejected() {
        let record = Self.record(content: nil, media: nil)
        given(Message.self).when(.record(record)).thenRejects(.contentOrMediaRequired(record.messageID))
    }

    @Test func aWhatsAppIdHoldsAtMost64Characters() {
        let long = String(repeating: "m", count: 65)
        given(Message.self).when(.record(Self.record(wa: long))).thenRejects(.waMessageIDTooLong(long))
    }

    @Test func aRedeliveredWhatsAppMessageRecordsNothing() {
        let original = Self.record()
        var redelivery = Self.record(content: "hola otra vez")
        redelivery.at = F.time(3)
        given(Message.self, Self.recorded(original)).when(.record(redelivery)).then([])
    }

    @Test func aMessageIdWithoutWhatsAppIdIsRecordedOnce() {
        let record = Self.record(wa: nil)
        given(Message.self, Self.recorded(record)).when(.record(record)).thenRejects(.alreadyRecorded(record.messageID))
    }
}

@Suite struct MessageWindowFlagTests {
    typealias F = Fixture

    @Test func onlyAnOutboundMessageIsProactive() {
        var record = MessageTests.record(direction: .inbound)
        record.proactive = true
        given(Message.self).when(.record(record)).thenRejects(.proactiveOnlyOutbound(record.messageID))
        record.direction = .outbound
        given(Message.self).when(.record(record)).then([.recorded(Message.Recorded(
            messageID: record.messageID, conversationID: record.conversationID, direction: .outbound, kind: .text,
            content: "hola", waMessageID: "wamid.1", timestamp: F.time(-1), proactive: true, recordedAt: F.t0))])
    }

    @Test func onlyAnInboundMessageComesThroughAFreeEntryPoint() {
        var record = MessageTests.record(direction: .outbound)
        record.freeEntryPoint = true
        given(Message.self).when(.record(record)).thenRejects(.freeEntryPointOnlyInbound(record.messageID))
        record.direction = .inbound
        given(Message.self).when(.record(record)).then([.recorded(Message.Recorded(
            messageID: record.messageID, conversationID: record.conversationID, direction: .inbound, kind: .text,
            content: "hola", waMessageID: "wamid.1", timestamp: F.time(-1), freeEntryPoint: true, recordedAt: F.t0))])
    }

    @Test func theFlagsAreAlwaysInTheV2Payload() {
        let plain = String(decoding: MessageTests.recorded(MessageTests.record()).payload, as: UTF8.self)
        #expect(plain.contains(#""free_entry_point":false"#) && plain.contains(#""proactive":false"#))
        var record = MessageTests.record(direction: .outbound)
        record.proactive = true
        let proactive = String(decoding: MessageTests.recorded(record).payload, as: UTF8.self)
        #expect(proactive.contains(#""proactive":true"#))
    }
}

@Suite struct MessageMimeTypeTests {
    typealias F = Fixture

    static func record(_ mime: String?, media: String? = "https://cdn.example/a") -> Message.Record {
        var record = MessageTests.record(.audio, content: nil, media: media)
        record.mediaMimeType = mime
        return record
    }

    @Test(arguments: ["image/jpeg", "audio/ogg; codecs=opus", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "video/mp4"])
    func aMimeTypeGoesWithTheMedia(mime: String) throws {
        let record = Self.record(mime)
        let events = try Message.decide(.record(record), Message.initial)
        #expect(events == [MessageTests.recorded(record)])
        guard case .recorded(let body) = events.first else { throw Missing() }
        #expect(body.mediaMimeType == mime)
    }

    @Test(arguments: ["jpeg", "image/", "/jpeg", "image/jpeg/x", "image /jpeg", "imagen/jpég", "-image/jpeg", "",
                      "a/" + String(repeating: "b", count: 128)])
    func aMimeTypeMustBeTypeSlashSubtype(mime: String) {
        let record = Self.record(mime)
        given(Message.self).when(.record(record)).thenRejects(.invalidMimeType(record.messageID, mime))
    }

    /// The rejection quotes the value as a JSON string, cut: a newline or quote in it cannot forge
    /// a line of `parley submit`'s output.
    @Test func aMimeTypeRejectionQuotesTheValueSafely() {
        let record = Self.record("x\nline 7: \"accepted\" and then some more text")
        #expect(Message.Rejection.invalidMimeType(record.messageID, record.mediaMimeType!).description.hasSuffix(
            #": media_mime_type "x\nline 7: \"accepted\" and then so"... is not a MIME type such as image/jpeg"#))
    }

    @Test func aMimeTypeWithoutMediaIsRejected() {
        var record = Self.record("text/plain", media: nil)
        record.content = "hola"
        given(Message.self).when(.record(record)).thenRejects(.mimeTypeWithoutMedia(record.messageID))
        #expect(Message.Rejection.mimeTypeWithoutMedia(record.messageID).description.hasSuffix(": a media_mime_type goes only with a media_url"))
    }

    @Test func theCommandReadsTheMimeType() throws {
        let command = F.command("mime", "message.record", [
            "conversation_id": F.uuid(F.id("c")), "direction": "inbound", "type": "image", "media_url": "https://cdn.example/a.jpg",
            "media_mime_type": "image/jpeg", "timestamp": F.time(F.t0), "message_id": F.uuid(F.id("m")),
        ])
        guard case .recordMessage(let record) = try MigueCommand(command) else { throw Missing() }
        #expect(record.mediaMimeType == "image/jpeg")
    }

    struct Missing: Error {}
}
