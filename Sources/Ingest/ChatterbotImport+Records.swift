import EventSourcing
import Foundation
import Migue

extension ChatterbotImport {
    /// The user shares a location twenty minutes after the start, near their language's city; a
    /// minute later they tap the "Open in Maps" button of the assistant's answer (`cta_button_tap`).
    func location(_ place: Place) -> [CommandEnvelope] {
        let city = Self.city(place.file.language.folder)
        let point = Self.point(near: city, key: place.key)
        let shared = 20 * Self.minute
        let query = [point.latitude, point.longitude].compactMap { DecimalText($0)?.text }.joined(separator: ",")
        return [
            place.command("location", "location.record", at: place.at(shared), [
                "location_id": place.idText("location"), "user_id": place.user, "conversation_id": place.conversation,
                "latitude": .number(point.latitude), "longitude": .number(point.longitude), "name": .string(city.name),
                "address": .string("\(city.name), \(city.country)"), "timestamp": .string(place.at(shared).description),
            ]),
            interaction(place, label: "cta", type: "cta_button_tap", after: shared + Self.minute, [
                "button_title": .string("Open in Maps"),
                "button_url": .string("https://www.google.com/maps/search/?api=1&query=\(query)"),
            ]),
        ]
    }

    /// WhatsApp's error when a free-form message goes out more than 24 hours after the user's last one.
    static let reengagementError =
        "(#131047) Re-engagement message: more than 24 hours have passed since the recipient last replied to this number"

    /// A follow-up scheduled twenty minutes after the start, in turn: due in 12 hours, inside the
    /// service window, and sent a second after; or due in 4 days, after every window, and failed
    /// with WhatsApp's re-engagement error.
    func scheduledMessage(_ place: Place, lines: [String]) -> [CommandEnvelope] {
        let sent = Self.turn(place.index, of: 2) == 0
        let due = sent ? 12 * Self.hour : 4 * Self.day
        var change: [String: JSONValue] = ["scheduled_message_id": place.idText("scheduled"), "status": .string("sent")]
        if !sent {
            change["status"] = .string("failed")
            change["error_message"] = .string(Self.reengagementError)
        }
        return [
            place.command("scheduled", "scheduled-message.schedule", at: place.at(20 * Self.minute), [
                "scheduled_message_id": place.idText("scheduled"), "user_id": place.user,
                "conversation_id": place.conversation, "phone_number": .string(place.phoneNumber),
                "message": .string("Hi! Following up on \u{201C}\(Self.excerpt(lines[0]))\u{201D}."),
                "scheduled_at": .string(place.at(due).description), "metadata": .object(["kind": .string("follow_up")]),
            ]),
            place.command("scheduled/0", "scheduled-message.change-status", at: place.at(due + 1), change),
        ]
    }

    /// The dead-letter paths, in turn: moves (status, seconds after the failure, with the retry's error).
    static let webhookPaths: [[(status: String, after: Int64, failed: Bool)]] = [
        [("retrying", 5 * minute, false), ("resolved", 5 * minute + 1, false)],
        [("retrying", 5 * minute, false), ("pending", 5 * minute + 2, true), ("retrying", 30 * minute, false),
         ("resolved", 30 * minute + 1, false)],
        [("retrying", 5 * minute, false), ("pending", 5 * minute + 2, true), ("retrying", 30 * minute, false),
         ("pending", 30 * minute + 2, true), ("retrying", 2 * hour, false), ("abandoned", 2 * hour + 2, false)],
    ]

    /// The delivery receipt of the proactive follow-up (two days after the start) could not be
    /// processed: recorded with WhatsApp's raw payload, then retried along one of `webhookPaths`
    /// (resolved after one or two retries, or abandoned after three). The phone number is kept as
    /// the webhook carries it, without `+`.
    func webhookFailure(_ place: Place, lines: [String]) -> [CommandEnvelope] {
        let failed = 2 * Self.day + 3
        let waMessageID = "wamid.\(place.waConversationID).follow-up"
        let payload: JSONValue = .object([
            "object": .string("whatsapp_business_account"),
            "entry": .array([.object([
                "id": .string("102290129340398"),
                "changes": .array([.object([
                    "field": .string("messages"),
                    "value": .object([
                        "messaging_product": .string("whatsapp"),
                        "metadata": .object([
                            "display_phone_number": .string("15550783881"), "phone_number_id": .string("106540352242922"),
                        ]),
                        "statuses": .array([.object([
                            "id": .string(waMessageID), "status": .string("delivered"), "recipient_id": .string(place.waID),
                            "timestamp": .string(String(place.at(failed - 1).microsecondsSinceEpoch / 1_000_000)),
                        ])]),
                    ]),
                ])]),
            ])]),
        ])
        let id = place.idText("webhook-failure")
        var commands = [
            place.command("webhook-failure", "webhook-failure.record", at: place.at(failed), [
                "webhook_failure_id": id, "request_id": place.idText("webhook-failure/request"),
                "phone_number": .string(place.waID), "wa_message_id": .string(waMessageID), "raw_payload": payload,
                "error_message": .string("handler timed out after 10 s"), "error_code": .string("TIMEOUT"),
            ])
        ]
        for (step, move) in Self.webhookPaths[Self.turn(place.index, of: Self.webhookPaths.count)].enumerated() {
            var data: [String: JSONValue] = ["webhook_failure_id": id, "status": .string(move.status)]
            if move.failed {
                data["error_message"] = .string("database unavailable: connection refused")
                data["error_code"] = .string("DB_UNAVAILABLE")
            }
            commands.append(place.command(
                "webhook-failure/\(step)", "webhook-failure.change-status", at: place.at(failed + move.after), data))
        }
        return commands
    }
}
