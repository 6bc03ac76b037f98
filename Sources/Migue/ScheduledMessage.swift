import EventSourcing
import Foundation

/// A message queued to be sent to a phone number at a set time.
///
/// Moves: pending -> sent (sets `sent_at`) / failed (sets `error_message`, which it requires); sent
/// and failed are final, so a failed message is retried by scheduling a new one.
public enum ScheduledMessage: Decider {
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case pending, sent, failed
    }

    /// The allowed moves; every other pair is refused.
    public static let transitions: Set<[Status]> = [[.pending, .sent], [.pending, .failed]]

    public struct State: Hashable, Sendable, Encodable {
        public var scheduled: Scheduled?
        public var status: Status?
        /// The latest status change, with what it set on the row besides the status.
        public var lastChange: StatusChanged?

        enum CodingKeys: String, CodingKey {
            case scheduled, status, lastChange = "last_change"
        }
    }

    public enum Command: Hashable, Sendable {
        case schedule(Schedule)
        case changeStatus(ChangeStatus)
    }

    public struct Schedule: Hashable, Sendable {
        public var scheduledMessageID: UUID
        public var userID: UUID?
        public var conversationID: UUID?
        public var phoneNumber: String
        public var message: String
        public var scheduledAt: Timestamp
        public var metadata: JSONValue?
        public var at: Timestamp

        public init(
            scheduledMessageID: UUID, userID: UUID? = nil, conversationID: UUID? = nil, phoneNumber: String,
            message: String, scheduledAt: Timestamp, metadata: JSONValue? = nil, at: Timestamp
        ) {
            self.scheduledMessageID = scheduledMessageID
            self.userID = userID
            self.conversationID = conversationID
            self.phoneNumber = phoneNumber
            self.message = message
            self.scheduledAt = scheduledAt
            self.metadata = metadata
            self.at = at
        }
    }

    public struct ChangeStatus: Hashable, Sendable {
        public var scheduledMessageID: UUID
        public var to: Status
        /// Why sending failed; required with `to: .failed`, refused otherwise.
        public var errorMessage: String?
        public var at: Timestamp

        public init(scheduledMessageID: UUID, to: Status, errorMessage: String? = nil, at: Timestamp) {
            self.scheduledMessageID = scheduledMessageID
            self.to = to
            self.errorMessage = errorMessage
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, FieldRejection {
        case alreadyScheduled(UUID)
        case notScheduled(UUID)
        case invalidPhoneNumber(String)
        case notTheUsersPhone(UUID, user: UUID, phoneNumber: String)
        case invalidTransition(UUID, from: Status, to: Status)
        case errorMessageRequired(UUID)
        case errorMessageOnlyWhenFailed(UUID, to: Status)

        public var description: String {
            switch self {
            case .alreadyScheduled(let id): "scheduled message \(short(id)): already scheduled"
            case .notScheduled(let id): "scheduled message \(short(id)): not scheduled"
            case .invalidPhoneNumber: "phone_number \(User.notE164)"
            case .notTheUsersPhone(let id, let user, _):
                "scheduled message \(short(id)): phone_number is not the phone number of user \(short(user))"
            case .invalidTransition(let id, let from, let to):
                "scheduled message \(short(id)): cannot go from \(from.rawValue) to \(to.rawValue)"
            case .errorMessageRequired(let id): "scheduled message \(short(id)): failing needs an error_message"
            case .errorMessageOnlyWhenFailed(let id, let to):
                "scheduled message \(short(id)): error_message goes only with status failed, not \(to.rawValue)"
            }
        }

        public var fieldAtFault: (field: String, rule: String)? {
            switch self {
            case .invalidPhoneNumber: ("data.phone_number", User.notE164)
            case .notTheUsersPhone(_, let user, _): ("data.phone_number", "is not the phone number of user \(short(user))")
            default: nil
            }
        }
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .schedule(let schedule):
            guard state.scheduled == nil else { throw .alreadyScheduled(schedule.scheduledMessageID) }
            guard User.isE164(schedule.phoneNumber) else { throw .invalidPhoneNumber(schedule.phoneNumber) }
            return [.scheduled(Scheduled(
                scheduledMessageID: schedule.scheduledMessageID, userID: schedule.userID,
                conversationID: schedule.conversationID, phoneNumber: schedule.phoneNumber, message: schedule.message,
                scheduledAt: schedule.scheduledAt, status: .pending, metadata: schedule.metadata, createdAt: schedule.at))]
        case .changeStatus(let change):
            let id = change.scheduledMessageID
            guard state.scheduled != nil, let from = state.status else { throw .notScheduled(id) }
            guard transitions.contains([from, change.to]) else { throw .invalidTransition(id, from: from, to: change.to) }
            if change.to == .failed {
                guard change.errorMessage != nil else { throw .errorMessageRequired(id) }
            } else if change.errorMessage != nil {
                throw .errorMessageOnlyWhenFailed(id, to: change.to)
            }
            return [.statusChanged(StatusChanged(
                scheduledMessageID: id, from: from, to: change.to, sentAt: change.to == .sent ? change.at : nil,
                errorMessage: change.errorMessage, changedAt: change.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .scheduled(let scheduled):
            state.scheduled = scheduled
            state.status = scheduled.status
        case .statusChanged(let change):
            state.status = change.to
            state.lastChange = change
        }
        return state
    }
}
