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
            kind: record.kind, content: record.content, mediaURL: record.mediaURL, waMessageID: record.waMessageID,
            timestamp: record.timestamp, recordedAt: record.at))
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

    @Test func theFlagsAppearInThePayloadOnlyWhenSet() {
        let plain = MessageTests.recorded(MessageTests.record())
        #expect(!String(decoding: plain.payload, as: UTF8.self).contains("proactive"))
        var record = MessageTests.record(direction: .outbound)
        record.proactive = true
        guard case .recorded(var body) = plain else { return }
        body.proactive = true
        #expect(String(decoding: Message.Event.recorded(body).payload, as: UTF8.self).contains(#""proactive":true"#))
    }
}
