import EventSourcing
import Foundation

/// A user's reminder and its status machine, exactly the seed's trigger:
/// pending -> sent / cancelled / failed, failed -> pending / cancelled, cancelled -> pending.
/// A pending reminder may also move to another time without changing status (`reschedule`).
public enum Reminder: Decider {
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case pending, sent, cancelled, failed
    }

    public struct State: Hashable, Sendable, Encodable {
        public var created: Created?
        public var status: Status?
        public var scheduledTime: Timestamp?
        public var sendToken: UUID?

        enum CodingKeys: String, CodingKey {
            case created, status, scheduledTime = "scheduled_time", sendToken = "send_token"
        }
    }

    public enum Command: Hashable, Sendable {
        case create(Create)
        case changeStatus(ChangeStatus)
        case reschedule(Reschedule)
    }

    public struct Create: Hashable, Sendable {
        public var reminderID: UUID
        public var userID: UUID
        public var title: String
        public var description: String?
        public var scheduledTime: Timestamp
        public var at: Timestamp

        public init(
            reminderID: UUID, userID: UUID, title: String, description: String? = nil, scheduledTime: Timestamp,
            at: Timestamp
        ) {
            self.reminderID = reminderID
            self.userID = userID
            self.title = title
            self.description = description
            self.scheduledTime = scheduledTime
            self.at = at
        }
    }

    public struct ChangeStatus: Hashable, Sendable {
        public var reminderID: UUID
        public var to: Status
        /// The idempotency token of the send; only with `to: .sent`.
        public var sendToken: UUID?
        /// A new scheduled time; only with `to: .pending`.
        public var scheduledTime: Timestamp?
        public var at: Timestamp

        public init(
            reminderID: UUID, to: Status, sendToken: UUID? = nil, scheduledTime: Timestamp? = nil, at: Timestamp
        ) {
            self.reminderID = reminderID
            self.to = to
            self.sendToken = sendToken
            self.scheduledTime = scheduledTime
            self.at = at
        }
    }

    /// A pending reminder's new time; a reminder in another status is rescheduled as it moves
    /// back to pending (`ChangeStatus.scheduledTime`).
    public struct Reschedule: Hashable, Sendable {
        public var reminderID: UUID
        public var scheduledTime: Timestamp
        public var at: Timestamp

        public init(reminderID: UUID, scheduledTime: Timestamp, at: Timestamp) {
            self.reminderID = reminderID
            self.scheduledTime = scheduledTime
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyCreated(UUID)
        case notCreated(UUID)
        case scheduledBeforeCreation(UUID, scheduled: Timestamp, created: Timestamp)
        case invalidTransition(UUID, from: Status, to: Status)
        case sendTokenOnlyWhenSent(UUID, to: Status)
        case rescheduleOnlyToPending(UUID, to: Status)
        case rescheduleOnlyWhenPending(UUID, status: Status)
        case alreadyScheduledAt(UUID, Timestamp)

        public var description: String {
            switch self {
            case .alreadyCreated(let id): "reminder \(short(id)): already created"
            case .notCreated(let id): "reminder \(short(id)): not created"
            case .scheduledBeforeCreation(let id, let scheduled, let created):
                "reminder \(short(id)): scheduled time \(scheduled) is before its creation time \(created)"
            case .invalidTransition(let id, let from, let to):
                "reminder \(short(id)): cannot go from \(from.rawValue) to \(to.rawValue)"
            case .sendTokenOnlyWhenSent(let id, let to):
                "reminder \(short(id)): a send_token goes only with status sent, not \(to.rawValue)"
            case .rescheduleOnlyToPending(let id, let to):
                "reminder \(short(id)): a scheduled_time goes only with status pending, not \(to.rawValue)"
            case .rescheduleOnlyWhenPending(let id, let status):
                "reminder \(short(id)): only a pending reminder is rescheduled, this one is \(status.rawValue) (move it to pending with a scheduled_time)"
            case .alreadyScheduledAt(let id, let time):
                "reminder \(short(id)): already scheduled at \(time)"
            }
        }
    }

    /// The seed's allowed transitions; every other pair is rejected.
    public static let transitions: Set<[Status]> = [
        [.pending, .sent], [.pending, .cancelled], [.pending, .failed],
        [.failed, .pending], [.failed, .cancelled], [.cancelled, .pending],
    ]

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .create(let create):
            guard state.created == nil else { throw .alreadyCreated(create.reminderID) }
            guard create.scheduledTime >= create.at else {
                throw .scheduledBeforeCreation(create.reminderID, scheduled: create.scheduledTime, created: create.at)
            }
            return [.created(Created(
                reminderID: create.reminderID, userID: create.userID, title: create.title,
                description: create.description, scheduledTime: create.scheduledTime, status: .pending,
                createdAt: create.at))]
        case .changeStatus(let change):
            guard let created = state.created, let from = state.status else { throw .notCreated(change.reminderID) }
            guard transitions.contains([from, change.to]) else {
                throw .invalidTransition(change.reminderID, from: from, to: change.to)
            }
            guard change.sendToken == nil || change.to == .sent else {
                throw .sendTokenOnlyWhenSent(change.reminderID, to: change.to)
            }
            if let scheduled = change.scheduledTime {
                guard change.to == .pending else { throw .rescheduleOnlyToPending(change.reminderID, to: change.to) }
                guard scheduled >= created.createdAt else {
                    throw .scheduledBeforeCreation(change.reminderID, scheduled: scheduled, created: created.createdAt)
                }
            }
            return [.statusChanged(StatusChanged(
                reminderID: change.reminderID, from: from, to: change.to, sendToken: change.sendToken,
                scheduledTime: change.scheduledTime, changedAt: change.at))]
        case .reschedule(let reschedule):
            let id = reschedule.reminderID
            guard let created = state.created, let status = state.status, let previous = state.scheduledTime else {
                throw .notCreated(id)
            }
            guard status == .pending else { throw .rescheduleOnlyWhenPending(id, status: status) }
            guard reschedule.scheduledTime >= created.createdAt else {
                throw .scheduledBeforeCreation(id, scheduled: reschedule.scheduledTime, created: created.createdAt)
            }
            guard reschedule.scheduledTime != previous else { throw .alreadyScheduledAt(id, previous) }
            return [.rescheduled(Rescheduled(
                reminderID: id, previousScheduledTime: previous, scheduledTime: reschedule.scheduledTime, changedAt: reschedule.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .created(let created):
            state.created = created
            state.status = created.status
            state.scheduledTime = created.scheduledTime
        case .statusChanged(let change):
            state.status = change.to
            state.scheduledTime = change.scheduledTime ?? state.scheduledTime
            state.sendToken = change.sendToken ?? state.sendToken
        case .rescheduled(let reschedule):
            state.scheduledTime = reschedule.scheduledTime
        }
        return state
    }
}
