import EventSourcing
import Foundation

extension ChatterbotImport {
    /// One status change of a reminder: the status it goes to, how long after the conversation's
    /// start, and the new schedule when it goes back to pending.
    struct Move: Hashable, Sendable {
        var to: String
        var after: Int64
        var reschedule: Int64?
    }

    static let hour: Int64 = 3600
    static let day: Int64 = 86_400

    /// The four paths reminders take, in turn; every move is one the seed's trigger allows.
    static let paths: [[Move]] = [
        // Sent when due.
        [Move(to: "sent", after: day)],
        // Cancelled, then set again for the next day and sent then.
        [Move(to: "cancelled", after: hour), Move(to: "pending", after: 2 * hour, reschedule: 2 * day), Move(to: "sent", after: 2 * day)],
        // Failed when due, retried the next day and sent.
        [Move(to: "failed", after: day), Move(to: "pending", after: day + hour, reschedule: 2 * day), Move(to: "sent", after: 2 * day)],
        // Failed when due, then given up.
        [Move(to: "failed", after: day), Move(to: "cancelled", after: day + hour)],
    ]

    /// Whether conversation `index` of a file gets a reminder: every fifth, from the first.
    public static func hasReminder(index: Int) -> Bool { index % 5 == 0 }

    /// `reminder.create` due a day after the conversation's start, then the moves of path
    /// `(index / 5) % 4`; empty for conversations without a reminder.
    func reminder(_ place: Place, firstLine: String) -> [CommandEnvelope] {
        guard Self.hasReminder(index: place.index) else { return [] }
        let reminderID = place.id("reminder").lowercasedText
        let title = String(firstLine.prefix(80))
        var commands = [
            place.command("reminder", "reminder.create", at: place.start.adding(seconds: 50), [
                "reminder_id": .string(reminderID), "user_id": .string(place.userID.lowercasedText),
                "title": .string("Follow up: \(title)"), "scheduled_time": .string(place.start.adding(seconds: Self.day).description),
                "description": .string("chatterbot-corpus \(place.file.language.folder)/\(place.file.name).yml, conversation \(place.index)"),
            ])
        ]
        for (step, move) in Self.paths[(place.index / 5) % Self.paths.count].enumerated() {
            var data: [String: JSONValue] = ["reminder_id": .string(reminderID), "status": .string(move.to)]
            if move.to == "sent" {
                data["send_token"] = .string(place.id("reminder/send-token/\(step)").lowercasedText)
            }
            if let reschedule = move.reschedule {
                data["scheduled_time"] = .string(place.start.adding(seconds: reschedule).description)
            }
            commands.append(place.command("reminder/\(step)", "reminder.change-status", at: place.start.adding(seconds: move.after), data))
        }
        return commands
    }
}
