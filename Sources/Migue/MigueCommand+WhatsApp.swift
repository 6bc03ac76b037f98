import EventSourcing
import Foundation

/// Reading the commands of WhatsApp's flows and calls.
extension MigueCommand {
    static func whatsApp(_ type: String, _ data: inout CommandFields, at: Timestamp) throws(CommandRejection) -> MigueCommand {
        switch type {
        case "flow.create":
            let token = try data.name("flow_token")
            _ = try id(&data, "flow_session_id", derivedFrom: Migue.flowSessionID(flowToken: token), "flow_token")
            return .createFlow(FlowSession.Create(
                flowToken: token, userID: try data.uuid("user_id"), conversationID: try data.optionalUUID("conversation_id"),
                flowID: try data.name("flow_id"), flowType: try data.choice("flow_type", FlowSession.FlowType.self),
                sessionData: try data.optionalDocument("session_data") ?? .object([:]),
                expiresAt: try data.optionalTimestamp("expires_at"), at: at))
        case "flow.change-status":
            let token = try data.optionalName("flow_token")
            return .changeFlowStatus(FlowSession.ChangeStatus(
                flowSessionID: try id(&data, "flow_session_id", derivedFrom: token.map(Migue.flowSessionID), "flow_token"),
                to: try data.choice("status", FlowSession.Status.self),
                responseData: try data.optionalDocument("response_data"), at: at))
        case "call.initiate":
            let callID = try data.name("call_id")
            _ = try id(&data, "call_log_id", derivedFrom: Migue.callLogID(callID: callID), "call_id")
            return .initiateCall(CallLog.Initiate(
                callID: callID, userID: try data.uuid("user_id"), conversationID: try data.optionalUUID("conversation_id"),
                direction: try data.choice("direction", CallLog.Direction.self),
                timestamp: try data.optionalTimestamp("timestamp") ?? at, at: at))
        default:
            let callID = try data.optionalName("call_id")
            return .changeCallStatus(CallLog.ChangeStatus(
                callLogID: try id(&data, "call_log_id", derivedFrom: callID.map(Migue.callLogID), "call_id"),
                to: try data.choice("status", CallLog.Status.self),
                durationSeconds: try data.optionalInt32("duration_seconds"),
                endReason: try data.optionalChoice("end_reason", CallLog.EndReason.self), at: at))
        }
    }

    /// The record-keeping commands; nil for a type that is not one.
    static func record(_ type: String, _ data: inout CommandFields, at: Timestamp) throws(CommandRejection) -> MigueCommand? {
        switch type {
        case "interaction.record":
            return .recordInteraction(Interaction.Record(
                interactionID: try data.uuid("interaction_id"), userID: try data.uuid("user_id"),
                conversationID: try data.optionalUUID("conversation_id"),
                kind: try data.choice("interaction_type", Interaction.Kind.self),
                buttonTitle: try data.optionalString("button_title"), buttonURL: try data.optionalString("button_url"),
                metadata: try data.optionalDocument("metadata"), timestamp: try data.optionalTimestamp("timestamp") ?? at,
                at: at))
        case "location.record":
            return .recordLocation(Location.Record(
                locationID: try data.uuid("location_id"), userID: try data.uuid("user_id"),
                conversationID: try data.optionalUUID("conversation_id"), latitude: try data.decimal("latitude"),
                longitude: try data.decimal("longitude"), name: try data.optionalString("name"),
                address: try data.optionalString("address"), timestamp: try data.optionalTimestamp("timestamp") ?? at,
                at: at))
        case "memory.record":
            return .recordMemory(Memory.Record(
                memoryID: try data.uuid("memory_id"), userID: try data.uuid("user_id"),
                kind: try data.choice("type", Memory.Kind.self), content: try data.string("content"),
                category: try data.optionalString("category"),
                relevance: try data.optionalNumber("relevance") ?? Memory.defaultRelevance,
                embedding: try data.optionalNumbers("embedding"), at: at))
        case "ai-usage.record":
            return .recordAIUsage(AIUsage.Record(
                usageID: try data.uuid("usage_id"), provider: try data.choice("provider", AIUsage.Provider.self),
                task: try data.choice("task_type", AIUsage.TaskType.self), model: try data.optionalString("model"),
                tokensInput: try data.optionalInt32("tokens_input"), tokensOutput: try data.optionalInt32("tokens_output"),
                costUSD: try data.decimal("cost_usd"), userID: try data.optionalUUID("user_id"),
                conversationID: try data.optionalUUID("conversation_id"), metadata: try data.optionalDocument("metadata"),
                at: at))
        case "scheduled-message.schedule":
            return .scheduleMessage(ScheduledMessage.Schedule(
                scheduledMessageID: try data.uuid("scheduled_message_id"), userID: try data.optionalUUID("user_id"),
                conversationID: try data.optionalUUID("conversation_id"), phoneNumber: try data.string("phone_number"),
                message: try data.string("message"), scheduledAt: try data.timestamp("scheduled_at"),
                metadata: try data.optionalDocument("metadata"), at: at))
        case "scheduled-message.change-status":
            return .changeScheduledMessageStatus(ScheduledMessage.ChangeStatus(
                scheduledMessageID: try data.uuid("scheduled_message_id"),
                to: try data.choice("status", ScheduledMessage.Status.self),
                errorMessage: try data.optionalString("error_message"), at: at))
        case "webhook-failure.record":
            return .recordWebhookFailure(WebhookFailure.Record(
                webhookFailureID: try data.uuid("webhook_failure_id"), requestID: try data.name("request_id"),
                phoneNumber: try data.string("phone_number"), waMessageID: try data.optionalString("wa_message_id"),
                rawPayload: try data.document("raw_payload"), errorMessage: try data.string("error_message"),
                errorCode: try data.optionalString("error_code"), at: at))
        case "webhook-failure.change-status":
            return .changeWebhookFailureStatus(WebhookFailure.ChangeStatus(
                webhookFailureID: try data.uuid("webhook_failure_id"),
                to: try data.choice("status", WebhookFailure.Status.self),
                errorMessage: try data.optionalString("error_message"), errorCode: try data.optionalString("error_code"),
                at: at))
        default:
            return nil
        }
    }
}
