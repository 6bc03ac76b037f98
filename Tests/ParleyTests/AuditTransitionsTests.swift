import EventLog
import EventSourcing
import Foundation
import Logging
import Migue
import Testing

/// `parley audit` on flows, calls, scheduled messages and webhook failures: every status move read
/// from the log with the state it left, the one it entered, its actor and its command.
@Suite struct AuditTransitionsTests {
    static let t0 = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!
    static let user = Migue.userID(phoneNumber: "+34600000010").lowercasedText
    static func uuid(_ name: String) -> String { UUID(namespace: Migue.namespace, name: name).lowercasedText }
    static func flow(_ token: String) -> String { Migue.flowSessionID(flowToken: token).lowercasedText }
    static func call(_ callID: String) -> String { Migue.callLogID(callID: callID).lowercasedText }

    /// One expected line: the aggregate's id, the move, who made it, and the second of its command
    /// (commands are one per second, so the second names the command too).
    struct Move: Sendable, CustomStringConvertible {
        var id: String
        var from: String
        var to: String
        var actor: String
        var second: Int
        var description: String { "\(id.prefix(8)) \(from) -> \(to) by \(actor) at \(second)" }
    }

    /// The commands, one a second from `t0`: (type, actor, data). Their ids derive from the second.
    static let commands: [(String, String, String)] = [
        ("user.register", "whatsapp", #"{"phone_number":"+34600000010"}"#),
        ("flow.create", "assistant", #"{"flow_token":"tok-a","user_id":"\#(user)","flow_id":"booking","flow_type":"data_exchange"}"#),
        ("flow.change-status", "flows-endpoint", #"{"flow_token":"tok-a","status":"in_progress"}"#),
        ("flow.change-status", "flows-endpoint", #"{"flow_token":"tok-a","status":"completed","response_data":{"slot":"10:30"}}"#),
        ("flow.create", "assistant",
         #"{"flow_token":"tok-b","user_id":"\#(user)","flow_id":"survey","flow_type":"navigate","expires_at":"2026-11-22T10:00:05Z"}"#),
        ("flow.change-status", "scheduler", #"{"flow_token":"tok-b","status":"expired"}"#),
        ("call.initiate", "whatsapp", #"{"call_id":"wacid.1","user_id":"\#(user)","direction":"inbound"}"#),
        ("call.change-status", "whatsapp", #"{"call_id":"wacid.1","status":"accepted"}"#),
        ("call.change-status", "whatsapp", #"{"call_id":"wacid.1","status":"ended","duration_seconds":61,"end_reason":"completed"}"#),
        ("call.initiate", "assistant", #"{"call_id":"wacid.2","user_id":"\#(user)","direction":"outbound"}"#),
        ("call.change-status", "whatsapp", #"{"call_id":"wacid.2","status":"rejected","end_reason":"user_declined"}"#),
        ("scheduled-message.schedule", "assistant",
         #"{"scheduled_message_id":"\#(uuid("s1"))","user_id":"\#(user)","phone_number":"+34600000010","message":"hola","scheduled_at":"2026-11-23T09:00:00Z"}"#),
        ("scheduled-message.change-status", "scheduler", #"{"scheduled_message_id":"\#(uuid("s1"))","status":"sent"}"#),
        ("scheduled-message.schedule", "ops",
         #"{"scheduled_message_id":"\#(uuid("s2"))","phone_number":"+34600000011","message":"bienvenido","scheduled_at":"2026-11-23T09:00:00Z"}"#),
        ("scheduled-message.change-status", "scheduler",
         #"{"scheduled_message_id":"\#(uuid("s2"))","status":"failed","error_message":"(#131026) undeliverable"}"#),
        ("webhook-failure.record", "webhook",
         #"{"webhook_failure_id":"\#(uuid("w1"))","request_id":"req-1","phone_number":"+34600000010","raw_payload":{"entry":[]},"error_message":"boom"}"#),
        ("webhook-failure.change-status", "retrier", #"{"webhook_failure_id":"\#(uuid("w1"))","status":"retrying"}"#),
        ("webhook-failure.change-status", "retrier",
         #"{"webhook_failure_id":"\#(uuid("w1"))","status":"pending","error_message":"timeout","error_code":"ETIMEDOUT"}"#),
        ("webhook-failure.change-status", "retrier", #"{"webhook_failure_id":"\#(uuid("w1"))","status":"retrying"}"#),
        ("webhook-failure.change-status", "ops", #"{"webhook_failure_id":"\#(uuid("w1"))","status":"resolved"}"#),
    ]

    static func commandID(_ second: Int) -> String { uuid("audit-transitions-\(second)") }

    /// Submits every command to a new file log and closes it; the caller removes the directory.
    static func makeLog() async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-audit-moves-\(UUID())").path
        let log = try FileEventLog(directory: directory, logger: Logger(label: "test"))
        let service = MigueService(store: log)
        for (second, (type, actor, data)) in commands.enumerated() {
            let at = t0.adding(seconds: Int64(second))
            let line = #"{"id":"\#(commandID(second))","product":"migue","type":"\#(type)","at":"\#(at)","actor":"\#(actor)","data":\#(data)}"#
            let result = try await service.handle(json: Array(line.utf8))
            guard case .accepted = result else { throw Refused(line: line, result: "\(result)") }
        }
        try log.close()
        return directory
    }

    struct Refused: Error { var line: String; var result: String }

    static let expected: [(aggregate: String, category: String, moves: [Move])] = [
        ("flow", "migue.flow", [
            Move(id: flow("tok-a"), from: "pending", to: "in_progress", actor: "flows-endpoint", second: 2),
            Move(id: flow("tok-a"), from: "in_progress", to: "completed", actor: "flows-endpoint", second: 3),
            Move(id: flow("tok-b"), from: "pending", to: "expired", actor: "scheduler", second: 5),
        ]),
        ("call", "migue.call", [
            Move(id: call("wacid.1"), from: "initiated", to: "accepted", actor: "whatsapp", second: 7),
            Move(id: call("wacid.1"), from: "accepted", to: "ended", actor: "whatsapp", second: 8),
            Move(id: call("wacid.2"), from: "initiated", to: "rejected", actor: "whatsapp", second: 10),
        ]),
        ("scheduledmessage", "migue.scheduledmessage", [
            Move(id: uuid("s1"), from: "pending", to: "sent", actor: "scheduler", second: 12),
            Move(id: uuid("s2"), from: "pending", to: "failed", actor: "scheduler", second: 14),
        ]),
        ("webhookfailure", "migue.webhookfailure", [
            Move(id: uuid("w1"), from: "pending", to: "retrying", actor: "retrier", second: 16),
            Move(id: uuid("w1"), from: "retrying", to: "pending", actor: "retrier", second: 17),
            Move(id: uuid("w1"), from: "pending", to: "retrying", actor: "retrier", second: 18),
            Move(id: uuid("w1"), from: "retrying", to: "resolved", actor: "ops", second: 19),
        ]),
    ]

    /// The audit's JSON lines for `arguments`.
    static func audit(_ arguments: [String]) throws -> [[String: Any]] {
        let outcome = try ParleyBinary.run(["audit"] + arguments + ["--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return outcome.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test func eachAggregateListsItsMovesWithActorsAndCommands() async throws {
        let directory = try await Self.makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (aggregate, category, moves) in Self.expected {
            let lines = try Self.audit(["migue", "--aggregate", aggregate, "--log", directory])
            #expect(lines.map { "\($0["from"] ?? "") -> \($0["to"] ?? "")" } == moves.map { "\($0.from) -> \($0.to)" }, "\(aggregate)")
            #expect(lines.map { $0["actor"] as? String } == moves.map(\.actor), "\(aggregate)")
            #expect(lines.map { ($0["command"] as? String)?.lowercased() } == moves.map { Self.commandID($0.second) }, "\(aggregate)")
            #expect(lines.map { $0["id"] as? String } == moves.map(\.id), "\(aggregate)")
            #expect(lines.map { $0["at"] as? String } == moves.map { Self.t0.adding(seconds: Int64($0.second)).description }, "\(aggregate)")
            #expect(lines.allSatisfy { $0["category"] as? String == category }, "\(aggregate)")
            let positions = lines.compactMap { $0["position"] as? Int }
            #expect(positions.count == moves.count && positions == positions.sorted(), "\(aggregate)")
        }
    }

    /// The product's audit holds the same moves in log order, and `--id` keeps one aggregate's.
    @Test func theProductAuditInterleavesThemAndIdNarrowsToOne() async throws {
        let directory = try await Self.makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let all = try Self.audit(["migue", "--log", directory])
        let moves = Self.expected.flatMap(\.moves).sorted { $0.second < $1.second }
        #expect(all.map { ($0["command"] as? String)?.lowercased() } == moves.map { Self.commandID($0.second) })
        let one = try Self.audit(["migue", "--aggregate", "flow", "--id", Self.flow("tok-b"), "--log", directory])
        #expect(one.map { "\($0["from"] ?? "") -> \($0["to"] ?? "")" } == ["pending -> expired"])
        let text = try ParleyBinary.run(["audit", "migue", "--aggregate", "call", "--log", directory])
        #expect(text.status == 0)
        #expect(text.standardOutput.contains("migue.call-\(Self.call("wacid.1"))  accepted -> ended  migue.call.status-changed  by whatsapp  command \(Self.commandID(8))"))
    }
}
