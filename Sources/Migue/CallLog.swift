import EventSourcing
import Foundation

/// A WhatsApp Business call with a user, logged from initiation to its end.
///
/// The log's id derives from WhatsApp's `call_id`, so `call_id UNIQUE` holds by construction.
/// Moves: initiated -> accepted / rejected / failed, accepted -> ended; rejected, failed and ended
/// are final. An `end_reason` goes only with the move that ends the call, and only a reason that
/// fits it: ended (completed), rejected (user_declined, user_busy), failed (timeout). A duration,
/// not negative, goes only with ended.
public enum CallLog: Decider {
    public enum Direction: String, Hashable, Sendable, Codable, CaseIterable {
        case inbound, outbound
    }

    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case initiated, accepted, rejected, ended, failed
    }

    public enum EndReason: String, Hashable, Sendable, Codable, CaseIterable {
        case userDeclined = "user_declined", userBusy = "user_busy", timeout, completed
    }

    /// The allowed moves; every other pair is refused.
    public static let transitions: Set<[Status]> = [
        [.initiated, .accepted], [.initiated, .rejected], [.initiated, .failed], [.accepted, .ended],
    ]

    /// The reasons each final status may give.
    public static let endReasons: [Status: Set<EndReason>] = [
        .ended: [.completed], .rejected: [.userDeclined, .userBusy], .failed: [.timeout],
    ]

    public struct State: Hashable, Sendable, Encodable {
        public var initiated: Initiated?
        public var status: Status?
        /// The latest status change, with what it set on the row besides the status.
        public var lastChange: StatusChanged?

        enum CodingKeys: String, CodingKey {
            case initiated, status, lastChange = "last_change"
        }
    }

    public enum Command: Hashable, Sendable {
        case initiate(Initiate)
        case changeStatus(ChangeStatus)
    }

    public struct Initiate: Hashable, Sendable {
        public var callLogID: UUID
        public var callID: String
        public var userID: UUID
        public var conversationID: UUID?
        public var direction: Direction
        /// When the call started; the row's `timestamp`.
        public var timestamp: Timestamp
        public var at: Timestamp

        public init(
            callID: String, userID: UUID, conversationID: UUID? = nil, direction: Direction, timestamp: Timestamp,
            at: Timestamp
        ) {
            self.callLogID = Migue.callLogID(callID: callID)
            self.callID = callID
            self.userID = userID
            self.conversationID = conversationID
            self.direction = direction
            self.timestamp = timestamp
            self.at = at
        }
    }

    public struct ChangeStatus: Hashable, Sendable {
        public var callLogID: UUID
        public var to: Status
        public var durationSeconds: Int32?
        public var endReason: EndReason?
        public var at: Timestamp

        public init(callLogID: UUID, to: Status, durationSeconds: Int32? = nil, endReason: EndReason? = nil, at: Timestamp) {
            self.callLogID = callLogID
            self.to = to
            self.durationSeconds = durationSeconds
            self.endReason = endReason
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyLogged(UUID, callID: String)
        case notLogged(UUID)
        case invalidTransition(UUID, from: Status, to: Status)
        case endReasonDoesNotFit(UUID, to: Status, reason: EndReason)
        case durationOnlyWhenEnded(UUID, to: Status)
        case negativeDuration(UUID, Int32)

        public var description: String {
            switch self {
            case .alreadyLogged(let id, _): "call \(short(id)): its call_id is already logged"
            case .notLogged(let id): "call \(short(id)): not logged"
            case .invalidTransition(let id, let from, let to):
                "call \(short(id)): cannot go from \(from.rawValue) to \(to.rawValue)"
            case .endReasonDoesNotFit(let id, let to, let reason):
                "call \(short(id)): end_reason \(reason.rawValue) does not go with status \(to.rawValue)"
            case .durationOnlyWhenEnded(let id, let to):
                "call \(short(id)): duration_seconds goes only with status ended, not \(to.rawValue)"
            case .negativeDuration(let id, let seconds): "call \(short(id)): duration_seconds \(seconds) is negative"
            }
        }
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .initiate(let initiate):
            if let logged = state.initiated { throw .alreadyLogged(logged.callLogID, callID: logged.callID) }
            return [.initiated(Initiated(
                callLogID: initiate.callLogID, callID: initiate.callID, userID: initiate.userID,
                conversationID: initiate.conversationID, direction: initiate.direction, status: .initiated,
                timestamp: initiate.timestamp, createdAt: initiate.at))]
        case .changeStatus(let change):
            let id = change.callLogID
            guard state.initiated != nil, let from = state.status else { throw .notLogged(id) }
            guard transitions.contains([from, change.to]) else { throw .invalidTransition(id, from: from, to: change.to) }
            if let reason = change.endReason, endReasons[change.to]?.contains(reason) != true {
                throw .endReasonDoesNotFit(id, to: change.to, reason: reason)
            }
            if let seconds = change.durationSeconds {
                guard change.to == .ended else { throw .durationOnlyWhenEnded(id, to: change.to) }
                guard seconds >= 0 else { throw .negativeDuration(id, seconds) }
            }
            return [.statusChanged(StatusChanged(
                callLogID: id, from: from, to: change.to, durationSeconds: change.durationSeconds,
                endReason: change.endReason, changedAt: change.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .initiated(let initiated):
            state.initiated = initiated
            state.status = initiated.status
        case .statusChanged(let change):
            state.status = change.to
            state.lastChange = change
        }
        return state
    }
}
