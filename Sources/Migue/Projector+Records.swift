import EventSourcing
import Foundation

/// The rows of interactions, locations, memories, AI usage, scheduled messages and webhook failures.
///
/// Decimals go as their exact text and embeddings as pgvector's text (`[0.1,0.2,...]`); PostgreSQL
/// types every text parameter from its column.
extension Projector {
    public static func statements(for event: Interaction.Event) -> [SQLStatement] {
        switch event {
        case .recorded(let interaction):
            [SQLStatement(
                """
                INSERT INTO user_interactions (id, user_id, conversation_id, interaction_type, button_title, \
                button_url, metadata, timestamp, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                [.uuid(interaction.interactionID), .uuid(interaction.userID), .uuid(interaction.conversationID),
                 .text(interaction.kind.rawValue), .text(interaction.buttonTitle), .text(interaction.buttonURL),
                 json(interaction.metadata), .timestamp(interaction.timestamp), .timestamp(interaction.createdAt)], expectedRows: 1)]
        }
    }

    public static func statements(for event: Location.Event) -> [SQLStatement] {
        switch event {
        case .recorded(let location):
            [SQLStatement(
                """
                INSERT INTO user_locations (id, user_id, conversation_id, latitude, longitude, name, address, \
                timestamp, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                [.uuid(location.locationID), .uuid(location.userID), .uuid(location.conversationID),
                 .text(location.latitude.text), .text(location.longitude.text), .text(location.name),
                 .text(location.address), .timestamp(location.timestamp), .timestamp(location.createdAt)], expectedRows: 1)]
        }
    }

    public static func statements(for event: Memory.Event) -> [SQLStatement] {
        switch event {
        case .recorded(let memory):
            [SQLStatement(
                """
                INSERT INTO user_memory (id, user_id, type, content, category, relevance, embedding, created_at, \
                updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                """,
                [.uuid(memory.memoryID), .uuid(memory.userID), .text(memory.kind.rawValue), .text(memory.content),
                 .text(memory.category), .double(memory.relevance), .text(memory.embedding.map(Memory.vectorText)),
                 .timestamp(memory.createdAt)], expectedRows: 1)]
        }
    }

    public static func statements(for event: AIUsage.Event) -> [SQLStatement] {
        switch event {
        case .recorded(let usage):
            [SQLStatement(
                """
                INSERT INTO ai_usage_tracking (id, provider, task_type, model, tokens_input, tokens_output, \
                cost_usd, user_id, conversation_id, metadata, created_at) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """,
                [.uuid(usage.usageID), .text(usage.provider.rawValue), .text(usage.task.rawValue), .text(usage.model),
                 integer(usage.tokensInput), integer(usage.tokensOutput), .text(usage.costUSD.text), .uuid(usage.userID),
                 .uuid(usage.conversationID), json(usage.metadata), .timestamp(usage.createdAt)], expectedRows: 1)]
        }
    }

    public static func statements(for event: ScheduledMessage.Event) -> [SQLStatement] {
        switch event {
        case .scheduled(let message):
            [SQLStatement(
                """
                INSERT INTO scheduled_messages (id, user_id, conversation_id, phone_number, message, scheduled_at, \
                status, sent_at, error_message, metadata, created_at, updated_at) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, $9, $9)
                """,
                [.uuid(message.scheduledMessageID), .uuid(message.userID), .uuid(message.conversationID),
                 .text(message.phoneNumber), .text(message.message), .timestamp(message.scheduledAt),
                 .text(message.status.rawValue), json(message.metadata), .timestamp(message.createdAt)], expectedRows: 1)]
        case .statusChanged(let change):
            [SQLStatement(
                """
                UPDATE scheduled_messages SET status = $3, sent_at = $4, error_message = $5, updated_at = $6 \
                WHERE id = $1 AND status = $2
                """,
                [.uuid(change.scheduledMessageID), .text(change.from.rawValue), .text(change.to.rawValue),
                 .timestamp(change.sentAt), .text(change.errorMessage), .timestamp(change.changedAt)], expectedRows: 1)]
        }
    }

    public static func statements(for event: WebhookFailure.Event) -> [SQLStatement] {
        switch event {
        case .recorded(let failure):
            [SQLStatement(
                """
                INSERT INTO webhook_failures (id, request_id, phone_number, wa_message_id, raw_payload, \
                error_message, error_code, status, retry_count, created_at, updated_at) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
                """,
                [.uuid(failure.webhookFailureID), .text(failure.requestID), .text(failure.phoneNumber),
                 .text(failure.waMessageID), json(failure.rawPayload), .text(failure.errorMessage),
                 .text(failure.errorCode), .text(failure.status.rawValue), integer(failure.retryCount),
                 .timestamp(failure.createdAt)], expectedRows: 1)]
        case .statusChanged(let change):
            [SQLStatement(
                """
                UPDATE webhook_failures SET status = $3, retry_count = $5, \
                error_message = COALESCE($6::text, error_message), \
                error_code = CASE WHEN $6::text IS NULL AND $7::text IS NULL THEN error_code ELSE $7::text END, updated_at = $8 \
                WHERE id = $1 AND status = $2 AND retry_count = $4
                """,
                [.uuid(change.webhookFailureID), .text(change.from.rawValue), .text(change.to.rawValue),
                 integer(change.fromRetryCount), integer(change.retryCount), .text(change.errorMessage),
                 .text(change.errorCode), .timestamp(change.changedAt)], expectedRows: 1)]
        }
    }

    static func integer(_ value: Int32?) -> SQLValue {
        value.map { .integer(Int64($0)) } ?? .null
    }
}
