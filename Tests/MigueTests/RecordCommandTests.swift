import EventSourcing
import Foundation
import Testing
@testable import Migue

/// Reading the commands of windows, flows, calls and the record-keeping tables.
@Suite struct RecordCommandTests {
    typealias F = Fixture

    static func parse(_ type: String, _ data: [String: JSONValue]) -> Result<MigueCommand, CommandRejection> {
        MigueCommandTests.parse(type, data)
    }

    @Test func everyTypeIsListed() {
        #expect(MigueCommand.types.count == 20)
        #expect(Set(MigueCommand.types).count == 20)
    }

    @Test func aFlowTakesItsIdFromItsTokenAndExpiresInADay() {
        #expect(Self.parse("flow.create", [
            "flow_token": "tok", "user_id": F.uuid(F.userID), "flow_id": "booking", "flow_type": "navigate",
        ]) == .success(.createFlow(FlowSession.Create(flowToken: "tok", userID: F.userID, flowID: "booking", flowType: .navigate, at: F.t0))))
        guard case .success(.createFlow(let create)) = Self.parse("flow.create", [
            "flow_token": "tok", "user_id": F.uuid(F.userID), "flow_id": "b", "flow_type": "navigate",
        ]) else { return }
        #expect(create.flowSessionID == Migue.flowSessionID(flowToken: "tok"))
        #expect(create.expiresAt == F.time(24 * 60))
        #expect(create.sessionData == .object([:]))
    }

    @Test func aCallTakesItsIdFromWhatsAppAndItsTimeFromTheCommand() {
        #expect(Self.parse("call.initiate", ["call_id": "wacid.1", "user_id": F.uuid(F.userID), "direction": "outbound"])
            == .success(.initiateCall(CallLog.Initiate(callID: "wacid.1", userID: F.userID, direction: .outbound, timestamp: F.t0, at: F.t0))))
        #expect(Self.parse("call.change-status", ["call_id": "wacid.1", "status": "ended", "duration_seconds": 42, "end_reason": "completed"])
            == .success(.changeCallStatus(CallLog.ChangeStatus(
                callLogID: Migue.callLogID(callID: "wacid.1"), to: .ended, durationSeconds: 42, endReason: .completed, at: F.t0))))
        // `42.0` in a command's text, or a double made in code, is the whole number 42.
        for whole in [JSONValue(parsing: Array("42.0".utf8))!, .double(42)] {
            #expect(Self.parse("call.change-status", ["call_id": "wacid.1", "status": "ended", "duration_seconds": whole])
                == .success(.changeCallStatus(CallLog.ChangeStatus(
                    callLogID: Migue.callLogID(callID: "wacid.1"), to: .ended, durationSeconds: 42, endReason: nil, at: F.t0))))
        }
    }

    @Test func messagesSayWhetherTheyAreProactiveOrCameThroughAFreeEntryPoint() {
        guard case .success(.recordMessage(let record)) = Self.parse("message.record", [
            "message_id": F.uuid(F.id("m")), "conversation_id": F.uuid(F.id("c")), "direction": "outbound", "type": "text",
            "content": "hola", "timestamp": F.time(F.t0), "proactive": true, "free_entry_point": false,
        ]) else {
            Issue.record("message.record did not parse")
            return
        }
        #expect(record.proactive && !record.freeEntryPoint)
    }

    @Test func coordinatesAndCostsKeepTheirDecimals() {
        guard case .success(.recordLocation(let location)) = Self.parse("location.record", [
            "location_id": F.uuid(F.id("l")), "user_id": F.uuid(F.userID), "latitude": .double(4.6765), "longitude": -74,
        ]) else {
            Issue.record("location.record did not parse")
            return
        }
        #expect(location.latitude.text == "4.6765" && location.longitude.text == "-74" && location.timestamp == F.t0)
        guard case .success(.recordAIUsage(let usage)) = Self.parse("ai-usage.record", [
            "usage_id": F.uuid(F.id("u")), "provider": "gemini", "task_type": "ocr", "cost_usd": .double(0.00125),
            "tokens_input": 10,
        ]) else {
            Issue.record("ai-usage.record did not parse")
            return
        }
        #expect(usage.costUSD.text == "0.00125" && usage.tokensInput == 10 && usage.tokensOutput == nil)
    }

    @Test func aMemoryDefaultsToTheColumnsRelevance() {
        guard case .success(.recordMemory(let memory)) = Self.parse("memory.record", [
            "memory_id": F.uuid(F.id("m")), "user_id": F.uuid(F.userID), "type": "fact", "content": "c",
            "embedding": [1, .double(0.5)],
        ]) else {
            Issue.record("memory.record did not parse")
            return
        }
        #expect(memory.relevance == 0.5 && memory.embedding == [1, 0.5])
    }

    @Test(arguments: [
        ("flow.create", ["flow_token": "", "user_id": F.uuid(F.userID)], "data.flow_token: must not be empty"),
        ("flow.create", ["flow_token": "t", "flow_session_id": F.uuid(F.id("x"))],
         "data.flow_session_id: must be omitted or \(Migue.flowSessionID(flowToken: "t").uuidString.lowercased()), the id derived from flow_token"),
        ("flow.create", ["flow_token": "t", "user_id": F.uuid(F.userID), "flow_id": "f", "flow_type": "form"],
         #"data.flow_type: expected one of "navigate", "data_exchange""#),
        ("flow.change-status", ["status": "completed"], "data.flow_session_id: is required without flow_token"),
        ("flow.change-status", ["flow_token": "", "status": "completed"], "data.flow_token: must not be empty"),
        ("call.change-status", ["call_id": "", "status": "ended"], "data.call_id: must not be empty"),
        ("flow.change-status", ["flow_token": "t", "status": "done"],
         #"data.status: expected one of "pending", "in_progress", "completed", "expired", "failed""#),
        ("call.initiate", ["call_id": "c", "user_id": F.uuid(F.userID), "direction": "up"], #"data.direction: expected one of "inbound", "outbound""#),
        ("call.change-status", ["call_id": "c", "status": "ended", "duration_seconds": .double(1.5)],
         "data.duration_seconds: expected a whole number, found 1.5"),
        ("call.change-status", ["call_id": "c", "status": "ended", "duration_seconds": .double(1e19)],
         "data.duration_seconds: 1e+19 does not fit an INT column"),
        ("call.change-status", ["call_id": "c", "status": "ended", "duration_seconds": "30"],
         "data.duration_seconds: expected a whole number, found a string"),
        ("call.change-status", ["call_id": "c", "status": "ended", "duration_seconds": 2_147_483_648],
         "data.duration_seconds: 2147483648 does not fit an INT column"),
        ("call.change-status", ["call_id": "c", "status": "ended", "end_reason": "hung_up"],
         #"data.end_reason: expected one of "user_declined", "user_busy", "timeout", "completed""#),
        ("message.record", ["message_id": F.uuid(F.id("m")), "conversation_id": F.uuid(F.id("c")), "direction": "outbound",
                            "type": "text", "timestamp": F.time(F.t0), "proactive": "yes"], "data.proactive: expected a boolean, found a string"),
        ("interaction.record", ["interaction_id": F.uuid(F.id("i")), "user_id": F.uuid(F.userID), "interaction_type": "swipe"],
         #"data.interaction_type: expected one of "cta_button_tap", "flow_completion", "call_accepted", "call_rejected""#),
        ("location.record", ["location_id": F.uuid(F.id("l")), "user_id": F.uuid(F.userID), "latitude": "4.6"],
         "data.latitude: expected a number, found a string"),
        ("memory.record", ["memory_id": F.uuid(F.id("m")), "user_id": F.uuid(F.userID), "type": "note"],
         #"data.type: expected one of "fact", "preference", "conversation""#),
        ("memory.record", ["memory_id": F.uuid(F.id("m")), "user_id": F.uuid(F.userID), "type": "fact", "content": "c", "embedding": [1, "x"]],
         "data.embedding[1]: expected a number, found a string"),
        ("ai-usage.record", ["usage_id": F.uuid(F.id("u")), "provider": "mistral"],
         #"data.provider: expected one of "gemini", "claude", "groq", "openai", "tesseract""#),
        ("ai-usage.record", ["usage_id": F.uuid(F.id("u")), "provider": "groq", "task_type": "translation"],
         #"data.task_type: expected one of "chat", "audio_transcription", "ocr", "embeddings", "image_analysis""#),
        ("ai-usage.record", ["usage_id": F.uuid(F.id("u")), "provider": "groq", "task_type": "chat"], "data.cost_usd: is required"),
        ("scheduled-message.change-status", ["scheduled_message_id": F.uuid(F.id("s")), "status": "cancelled"],
         #"data.status: expected one of "pending", "sent", "failed""#),
        ("webhook-failure.record", ["webhook_failure_id": F.uuid(F.id("w")), "request_id": "r", "phone_number": "p", "raw_payload": .null],
         "data.raw_payload: is required"),
        ("webhook-failure.record", ["webhook_failure_id": F.uuid(F.id("w")), "request_id": "r", "phone_number": "p",
                                    "raw_payload": ["a": "\u{0}"]], "data.raw_payload: contains U+0000, which PostgreSQL jsonb cannot store"),
        ("webhook-failure.change-status", ["webhook_failure_id": F.uuid(F.id("w")), "status": "retrying", "retries": 2],
         "data.retries: is not a field of this command"),
    ] as [(String, [String: JSONValue], String)])
    func badDataIsRejectedNamingTheField(type: String, data: [String: JSONValue], message: String) {
        guard case .failure(let rejection) = Self.parse(type, data) else {
            Issue.record("\(type) was accepted")
            return
        }
        #expect(rejection.description == message)
    }
}
