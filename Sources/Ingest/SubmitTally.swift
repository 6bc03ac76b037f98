/// The counts of a run of commands: how many were appended, already stored, unchanged, rejected.
public struct SubmitTally: Hashable, Sendable, Encodable {
    public var commands = 0
    public var appended = 0
    public var duplicate = 0
    public var unchanged = 0
    public var rejected = 0
    /// New events appended by the run.
    public var eventsAppended = 0

    public init() {}

    public mutating func add(_ outcome: SubmitOutcome) {
        commands += 1
        switch outcome.status {
        case .appended: appended += 1
        case .duplicate: duplicate += 1
        case .unchanged: unchanged += 1
        case .rejected: rejected += 1
        }
        eventsAppended += outcome.appendedEvents
    }

    enum CodingKeys: String, CodingKey {
        case commands, appended, duplicate, unchanged, rejected
        case eventsAppended = "events_appended"
    }

    /// e.g. `12 commands: 8 appended (14 events), 1 already stored, 0 unchanged, 3 rejected`.
    public var summary: String {
        "\(commands) commands: \(appended) appended (\(eventsAppended) events), \(duplicate) already stored, "
            + "\(unchanged) unchanged, \(rejected) rejected"
    }
}
