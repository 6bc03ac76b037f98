import EventSourcing
import Foundation

/// A WhatsApp Flow sent to a user, from its token to its completion, expiry or failure.
///
/// The session's id derives from its `flow_token`, so one token is one stream: `flow_token UNIQUE`
/// holds by construction. Moves, over the seed's `flow_status`:
/// pending -> in_progress / completed / expired / failed, in_progress -> completed / expired / failed;
/// completed, expired and failed are final. Nothing opens or completes at or after `expires_at`,
/// and nothing expires before it.
public enum FlowSession: Decider {
    /// The seed's `flow_status`.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case pending, inProgress = "in_progress", completed, expired, failed
    }

    /// `flow_type`: a flow that only navigates its screens, or one that exchanges data with our endpoint.
    public enum FlowType: String, Hashable, Sendable, Codable, CaseIterable {
        case navigate, dataExchange = "data_exchange"
    }

    /// How long a flow stays open when the command does not say, in seconds (the seed's default).
    public static let defaultLifetimeSeconds: Int64 = 24 * 3600

    public struct State: Hashable, Sendable, Encodable {
        public var created: Created?
        public var status: Status?
        /// The latest status change, with what it set on the row besides the status.
        public var lastChange: StatusChanged?

        enum CodingKeys: String, CodingKey {
            case created, status, lastChange = "last_change"
        }
    }

    public enum Command: Hashable, Sendable {
        case create(Create)
        case changeStatus(ChangeStatus)
    }

    public struct Create: Hashable, Sendable {
        public var flowSessionID: UUID
        public var flowToken: String
        public var userID: UUID
        public var conversationID: UUID?
        public var flowID: String
        public var flowType: FlowType
        public var sessionData: JSONValue
        public var expiresAt: Timestamp
        public var at: Timestamp

        public init(
            flowToken: String, userID: UUID, conversationID: UUID? = nil, flowID: String, flowType: FlowType,
            sessionData: JSONValue = .object([:]), expiresAt: Timestamp? = nil, at: Timestamp
        ) {
            self.flowSessionID = Migue.flowSessionID(flowToken: flowToken)
            self.flowToken = flowToken
            self.userID = userID
            self.conversationID = conversationID
            self.flowID = flowID
            self.flowType = flowType
            self.sessionData = sessionData
            self.expiresAt = expiresAt ?? at.adding(seconds: FlowSession.defaultLifetimeSeconds)
            self.at = at
        }
    }

    public struct ChangeStatus: Hashable, Sendable {
        public var flowSessionID: UUID
        public var to: Status
        /// What the user submitted; only with `to: .completed`.
        public var responseData: JSONValue?
        public var at: Timestamp

        public init(flowSessionID: UUID, to: Status, responseData: JSONValue? = nil, at: Timestamp) {
            self.flowSessionID = flowSessionID
            self.to = to
            self.responseData = responseData
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyCreated(UUID, flowToken: String)
        case notCreated(UUID)
        case expiresBeforeCreation(UUID, expiresAt: Timestamp, createdAt: Timestamp)
        case invalidTransition(UUID, from: Status, to: Status)
        case expired(UUID, to: Status, at: Timestamp, expiresAt: Timestamp)
        case notYetExpired(UUID, at: Timestamp, expiresAt: Timestamp)
        case responseOnlyWhenCompleted(UUID, to: Status)

        public var description: String {
            switch self {
            case .alreadyCreated(let id, _): "flow session \(short(id)): its flow_token is already in use"
            case .notCreated(let id): "flow session \(short(id)): not created"
            case .expiresBeforeCreation(let id, let expiresAt, let createdAt):
                "flow session \(short(id)): expires_at \(expiresAt) is not after its creation time \(createdAt)"
            case .invalidTransition(let id, let from, let to):
                "flow session \(short(id)): cannot go from \(from.rawValue) to \(to.rawValue)"
            case .expired(let id, let to, let at, let expiresAt):
                "flow session \(short(id)): cannot become \(to.rawValue) at \(at), it expired at \(expiresAt)"
            case .notYetExpired(let id, let at, let expiresAt):
                "flow session \(short(id)): cannot expire at \(at), it is open until \(expiresAt)"
            case .responseOnlyWhenCompleted(let id, let to):
                "flow session \(short(id)): response_data goes only with status completed, not \(to.rawValue)"
            }
        }
    }

    /// The allowed moves; every other pair is refused.
    public static let transitions: Set<[Status]> = [
        [.pending, .inProgress], [.pending, .completed], [.pending, .expired], [.pending, .failed],
        [.inProgress, .completed], [.inProgress, .expired], [.inProgress, .failed],
    ]

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .create(let create):
            if let created = state.created { throw .alreadyCreated(created.flowSessionID, flowToken: created.flowToken) }
            guard create.expiresAt > create.at else {
                throw .expiresBeforeCreation(create.flowSessionID, expiresAt: create.expiresAt, createdAt: create.at)
            }
            return [.created(Created(
                flowSessionID: create.flowSessionID, flowToken: create.flowToken, userID: create.userID,
                conversationID: create.conversationID, flowID: create.flowID, flowType: create.flowType,
                sessionData: create.sessionData, status: .pending, expiresAt: create.expiresAt, createdAt: create.at))]
        case .changeStatus(let change):
            let id = change.flowSessionID
            guard let created = state.created, let from = state.status else { throw .notCreated(id) }
            guard transitions.contains([from, change.to]) else { throw .invalidTransition(id, from: from, to: change.to) }
            guard change.responseData == nil || change.to == .completed else {
                throw .responseOnlyWhenCompleted(id, to: change.to)
            }
            switch change.to {
            case .inProgress, .completed:
                guard change.at < created.expiresAt else {
                    throw .expired(id, to: change.to, at: change.at, expiresAt: created.expiresAt)
                }
            case .expired:
                guard change.at >= created.expiresAt else {
                    throw .notYetExpired(id, at: change.at, expiresAt: created.expiresAt)
                }
            case .pending, .failed: break
            }
            return [.statusChanged(StatusChanged(
                flowSessionID: id, from: from, to: change.to, responseData: change.responseData,
                completedAt: change.to == .completed ? change.at : nil, changedAt: change.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .created(let created):
            state.created = created
            state.status = created.status
        case .statusChanged(let change):
            state.status = change.to
            state.lastChange = change
        }
        return state
    }
}
