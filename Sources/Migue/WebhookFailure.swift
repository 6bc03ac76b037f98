import EventSourcing
import Foundation

/// A webhook delivery that could not be processed, kept in the dead-letter queue with its raw payload.
///
/// Moves: pending -> retrying / resolved / abandoned, retrying -> pending (the retry failed, with its
/// error) / resolved / abandoned; resolved and abandoned are final. `retry_count` is the number of
/// moves into `retrying`. The phone number is kept as the webhook carried it, E.164 or not.
public enum WebhookFailure: Decider {
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case pending, retrying, resolved, abandoned
    }

    /// The allowed moves; every other pair is refused.
    public static let transitions: Set<[Status]> = [
        [.pending, .retrying], [.pending, .resolved], [.pending, .abandoned],
        [.retrying, .pending], [.retrying, .resolved], [.retrying, .abandoned],
    ]

    public struct State: Hashable, Sendable, Encodable {
        public var recorded: Recorded?
        public var status: Status?
        public var retryCount: Int32 = 0
        /// The latest status change.
        public var lastChange: StatusChanged?

        enum CodingKeys: String, CodingKey {
            case recorded, status, retryCount = "retry_count", lastChange = "last_change"
        }
    }

    public enum Command: Hashable, Sendable {
        case record(Record)
        case changeStatus(ChangeStatus)
    }

    public struct Record: Hashable, Sendable {
        public var webhookFailureID: UUID
        public var requestID: String
        public var phoneNumber: String
        public var waMessageID: String?
        public var rawPayload: JSONValue
        public var errorMessage: String
        public var errorCode: String?
        public var at: Timestamp

        public init(
            webhookFailureID: UUID, requestID: String, phoneNumber: String, waMessageID: String? = nil,
            rawPayload: JSONValue, errorMessage: String, errorCode: String? = nil, at: Timestamp
        ) {
            self.webhookFailureID = webhookFailureID
            self.requestID = requestID
            self.phoneNumber = phoneNumber
            self.waMessageID = waMessageID
            self.rawPayload = rawPayload
            self.errorMessage = errorMessage
            self.errorCode = errorCode
            self.at = at
        }
    }

    public struct ChangeStatus: Hashable, Sendable {
        public var webhookFailureID: UUID
        public var to: Status
        /// The error of the failed retry; only with `to: .pending`.
        public var errorMessage: String?
        public var errorCode: String?
        public var at: Timestamp

        public init(webhookFailureID: UUID, to: Status, errorMessage: String? = nil, errorCode: String? = nil, at: Timestamp) {
            self.webhookFailureID = webhookFailureID
            self.to = to
            self.errorMessage = errorMessage
            self.errorCode = errorCode
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyRecorded(UUID)
        case notRecorded(UUID)
        case invalidTransition(UUID, from: Status, to: Status)
        case errorOnlyWhenBackToPending(UUID, to: Status)
        case tooManyRetries(UUID)
        case codeWithoutMessage(UUID)

        public var description: String {
            switch self {
            case .alreadyRecorded(let id): "webhook failure \(short(id)): already recorded"
            case .notRecorded(let id): "webhook failure \(short(id)): not recorded"
            case .invalidTransition(let id, let from, let to):
                "webhook failure \(short(id)): cannot go from \(from.rawValue) to \(to.rawValue)"
            case .errorOnlyWhenBackToPending(let id, let to):
                "webhook failure \(short(id)): error_message and error_code go only with status pending, not \(to.rawValue)"
            case .tooManyRetries(let id): "webhook failure \(short(id)): retry_count would not fit an INT column"
            case .codeWithoutMessage(let id):
                "webhook failure \(short(id)): error_code needs its error_message (an error replaces the stored message and code)"
            }
        }
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .record(let record):
            guard state.recorded == nil else { throw .alreadyRecorded(record.webhookFailureID) }
            return [.recorded(Recorded(
                webhookFailureID: record.webhookFailureID, requestID: record.requestID, phoneNumber: record.phoneNumber,
                waMessageID: record.waMessageID, rawPayload: record.rawPayload, errorMessage: record.errorMessage,
                errorCode: record.errorCode, status: .pending, retryCount: 0, createdAt: record.at))]
        case .changeStatus(let change):
            let id = change.webhookFailureID
            guard state.recorded != nil, let from = state.status else { throw .notRecorded(id) }
            guard transitions.contains([from, change.to]) else { throw .invalidTransition(id, from: from, to: change.to) }
            guard change.to == .pending || (change.errorMessage == nil && change.errorCode == nil) else {
                throw .errorOnlyWhenBackToPending(id, to: change.to)
            }
            // An error replaces the stored one whole: a code alone would sit beside another error's message.
            guard change.errorCode == nil || change.errorMessage != nil else { throw .codeWithoutMessage(id) }
            var retryCount = state.retryCount
            if change.to == .retrying {
                guard retryCount < .max else { throw .tooManyRetries(id) }
                retryCount += 1
            }
            return [.statusChanged(StatusChanged(
                webhookFailureID: id, from: from, to: change.to, fromRetryCount: state.retryCount, retryCount: retryCount,
                errorMessage: change.errorMessage, errorCode: change.errorCode, changedAt: change.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .recorded(let recorded):
            state.recorded = recorded
            state.status = recorded.status
            state.retryCount = recorded.retryCount
        case .statusChanged(let change):
            state.status = change.to
            state.retryCount = change.retryCount
            state.lastChange = change
            // As the row: a failed retry's error replaces the recorded one (the code with it).
            if let message = change.errorMessage {
                state.recorded?.errorMessage = message
                state.recorded?.errorCode = change.errorCode
            } else if let code = change.errorCode {
                state.recorded?.errorCode = code
            }
        }
        return state
    }
}
