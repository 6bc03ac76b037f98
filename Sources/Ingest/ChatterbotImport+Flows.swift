import EventSourcing
import Foundation

extension ChatterbotImport {
    /// One way a flow goes: its type, then its moves (status, seconds after the start).
    struct FlowPath: Sendable {
        var flowType: String
        var moves: [(status: String, after: Int64)]
    }

    /// When a conversation's flow is sent: five minutes after its start. It expires a day later
    /// (migue's default, so the command gives no `expires_at`).
    static let flowCreated: Int64 = 5 * minute

    /// The four flow paths, in turn. A navigate flow never calls our endpoint, so it goes from
    /// pending straight to completed; a data exchange flow is in progress once it does.
    static let flowPaths: [FlowPath] = [
        FlowPath(flowType: "data_exchange", moves: [("in_progress", 6 * minute), ("completed", 10 * minute)]),
        FlowPath(flowType: "navigate", moves: [("completed", 8 * minute)]),
        FlowPath(flowType: "data_exchange", moves: [("in_progress", 6 * minute), ("expired", flowCreated + day)]),
        FlowPath(flowType: "navigate", moves: [("failed", 7 * minute)]),
    ]

    /// `flow.create` and its moves; a completion also records a `flow_completion` interaction.
    func flow(_ place: Place, lines: [String]) -> [CommandEnvelope] {
        let path = Self.flowPaths[Self.turn(place.index, of: Self.flowPaths.count)]
        let token = "flow.\(place.waConversationID)"
        let flowID = path.flowType == "navigate" ? "migue-feedback-v1" : "migue-booking-v1"
        var commands = [
            place.command("flow", "flow.create", at: place.at(Self.flowCreated), [
                "flow_token": .string(token), "user_id": place.user, "conversation_id": place.conversation,
                "flow_id": .string(flowID), "flow_type": .string(path.flowType),
                "session_data": .object(["language": .string(place.file.language.code), "topic": .string(place.file.name)]),
            ])
        ]
        for (step, move) in path.moves.enumerated() {
            var data: [String: JSONValue] = ["flow_token": .string(token), "status": .string(move.status)]
            if move.status == "completed" { data["response_data"] = response(place, lines: lines, flowType: path.flowType) }
            commands.append(place.command("flow/\(step)", "flow.change-status", at: place.at(move.after), data))
            if move.status == "completed" {
                commands.append(interaction(place, label: "flow", type: "flow_completion", after: move.after, [
                    "metadata": .object(["flow_token": .string(token), "flow_id": .string(flowID)]),
                ]))
            }
        }
        return commands
    }

    /// What the user submitted: a booking three days on, or a rating and the last line as comment.
    private func response(_ place: Place, lines: [String], flowType: String) -> JSONValue {
        if flowType == "navigate" {
            let rating = 1 + Int64(Self.stable(place.key) % 5)
            return .object(["rating": .integer(rating), "comment": .string(Self.excerpt(lines[lines.count - 1]))])
        }
        let day = String(place.at(3 * Self.day).description.prefix(10))
        return .object(["date": .string(day), "time": .string("10:00"), "topic": .string(place.file.name)])
    }

    /// One call: its direction and its moves (status, seconds after the previous move, end reason;
    /// `ended` comes the call's duration after it was accepted).
    struct CallPath: Sendable {
        var direction: String
        var moves: [(status: String, after: Int64, reason: String?)]
    }

    /// When a conversation's first call starts: fifteen minutes after its start; a callback, a
    /// quarter of an hour after that.
    static let callStarted: Int64 = 15 * minute

    /// The four call paths, in turn; the first is a busy user who calls back.
    static let callPaths: [[CallPath]] = [
        [CallPath(direction: "outbound", moves: [("rejected", 20, "user_busy")]),
         CallPath(direction: "inbound", moves: [("accepted", 5, nil), ("ended", 0, "completed")])],
        [CallPath(direction: "inbound", moves: [("accepted", 5, nil), ("ended", 0, "completed")])],
        [CallPath(direction: "outbound", moves: [("failed", 45, "timeout")])],
        [CallPath(direction: "outbound", moves: [("rejected", 10, "user_declined")])],
    ]

    /// `call.initiate` and the moves of each call; an accepted or rejected call also records the
    /// user's answer as a `call_accepted` / `call_rejected` interaction. An ended call lasted
    /// 30 s plus 15 s per line of the conversation.
    func calls(_ place: Place, lines: [String]) -> [CommandEnvelope] {
        let paths = Self.callPaths[Self.turn(place.index, of: Self.callPaths.count)]
        let duration = 30 + 15 * Int64(lines.count)
        var commands: [CommandEnvelope] = []
        for (number, path) in paths.enumerated() {
            let callID = "wacid.\(place.waConversationID).\(number)"
            var time = Self.callStarted + Int64(number) * 15 * Self.minute
            commands.append(place.command("call/\(number)", "call.initiate", at: place.at(time), [
                "call_id": .string(callID), "user_id": place.user, "conversation_id": place.conversation,
                "direction": .string(path.direction), "timestamp": .string(place.at(time).description),
            ]))
            for (step, move) in path.moves.enumerated() {
                time += move.status == "ended" ? duration : move.after
                var data: [String: JSONValue] = ["call_id": .string(callID), "status": .string(move.status)]
                if let reason = move.reason { data["end_reason"] = .string(reason) }
                if move.status == "ended" { data["duration_seconds"] = .integer(duration) }
                commands.append(place.command("call/\(number)/\(step)", "call.change-status", at: place.at(time), data))
                if move.status == "accepted" || move.status == "rejected" {
                    commands.append(interaction(place, label: "call/\(number)", type: "call_\(move.status)", after: time, [
                        "metadata": .object(["call_id": .string(callID), "direction": .string(path.direction)]),
                    ]))
                }
            }
        }
        return commands
    }
}
