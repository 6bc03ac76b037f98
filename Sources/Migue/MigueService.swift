import EventSourcing
import Foundation

/// Handles migue commands against any `EventStore`: routes each to its streams, loads their state,
/// decides, and appends with the expected version, retrying a bounded number of times on conflict.
///
/// A rejection is a value and appends nothing. Submitting the same command id again appends
/// nothing and reports the batches the first submission wrote, as duplicates.
public struct MigueService: Sendable {
    public let store: any EventStore
    public var durability: Durability
    /// How many times one command re-reads and re-decides after losing a race for a stream.
    public var maxAttempts: Int
    /// The states of recently used streams; share one per store.
    public let cache: StateCache

    public init(store: any EventStore, durability: Durability = .durable, maxAttempts: Int = 32, cache: StateCache = StateCache()) {
        self.store = store
        self.durability = durability
        self.maxAttempts = maxAttempts
        self.cache = cache
    }

    /// Handles one command given as JSON text.
    public func handle(json bytes: some Collection<UInt8>) async throws -> CommandResult {
        let envelope: CommandEnvelope
        do {
            envelope = try CommandEnvelope(json: bytes)
        } catch {
            return .rejected(error)
        }
        return try await handle(envelope)
    }

    /// A command read from its envelope, with the ids of the events it may append: the pure part
    /// of handling, which needs no store, so a caller may do it ahead on another core.
    public struct Prepared: Sendable {
        /// The envelope without its `data`, which `command` holds read: the JSON tree is freed by
        /// the preparing task, not by the one handling commands.
        let envelope: CommandEnvelope
        let command: Result<MigueCommand, CommandRejection>
        let firstEventIDs: [(batch: String, id: UUID)]
        let payloads: PreparedPayloads
        /// The envelope's digest, taken before `data` was dropped; each batch's first event keeps it.
        let digest: String
    }

    /// Reads `envelope`'s command, derives the first event id of each batch it may write, and
    /// encodes what it appends if its stream is new (`PreparedPayloads`).
    public static func prepare(_ envelope: CommandEnvelope) -> Prepared {
        var read = envelope
        read.data = [:]
        do {
            let command = try MigueCommand(envelope)
            let ids = Context.batches(of: command).all.map { ($0, envelope.eventID(batch: $0, index: 0)) }
            return Prepared(
                envelope: read, command: .success(command), firstEventIDs: ids, payloads: PreparedPayloads(command),
                digest: envelope.digest)
        } catch {
            return Prepared(envelope: read, command: .failure(error), firstEventIDs: [], payloads: PreparedPayloads(), digest: "")
        }
    }

    /// Handles one command. Throws only when the store fails or a stream stays contended.
    public func handle(_ envelope: CommandEnvelope) async throws -> CommandResult {
        try await handle(Self.prepare(envelope))
    }

    /// Handles one prepared command; as `handle(_:)`.
    public func handle(_ prepared: Prepared) async throws -> CommandResult {
        let command: MigueCommand
        switch prepared.command {
        case .success(let read): command = read
        case .failure(let rejection): return .rejected(rejection)
        }
        let context = Context(
            service: self, envelope: prepared.envelope, firstEventIDs: prepared.firstEventIDs, payloads: prepared.payloads,
            digest: prepared.digest)
        do {
            if let earlier = try await context.earlierSubmission(of: command) {
                return .accepted(earlier + (try await context.releaseLeftHeld(by: command, earlier: earlier)))
            }
            return .accepted(try await context.run(command))
        } catch let rejected as Rejected {
            return .rejected(rejected.rejection)
        }
    }
}

/// The store kept changing under one command for `attempts` tries.
public struct ContentionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var stream: StreamName
    public var attempts: Int

    public var description: String { "\(stream) kept changing for \(attempts) attempts; submit the command again" }
}

/// A rejection travelling up from deep inside a command's handling.
struct Rejected: Error {
    var rejection: CommandRejection
}

/// One command being handled: its envelope and the service's store.
struct Context: Sendable {
    let service: MigueService
    let envelope: CommandEnvelope
    /// The first event id of each batch the command may write, derived when it was prepared.
    let firstEventIDs: [(batch: String, id: UUID)]
    /// Payloads encoded when the command was prepared.
    let payloads: PreparedPayloads
    /// The command's digest, which the first event of each batch keeps (`CommandEnvelope.digestMetadata`).
    let digest: String

    var store: any EventStore { service.store }
    var at: Timestamp { envelope.at }

    /// The id of the `index`-th event of this command's batch `batch` (`CommandEnvelope.eventID`).
    func eventID(batch: String, index: Int) -> UUID {
        if index == 0, let prepared = firstEventIDs.first(where: { $0.batch == batch }) { return prepared.id }
        return envelope.eventID(batch: batch, index: index)
    }

    /// The batch labels `command` may write, and the one whose presence means it went through.
    static func batches(of command: MigueCommand) -> (all: [String], done: String) {
        switch command {
        case .registerUser, .updateProfile: (["user"], "user")
        case .startConversation, .changeConversationStatus:
            (["claim", "conversation", "release", "abandon"], "conversation")
        case .recordMessage: (["window", "message"], "message")
        case .createReminder, .rescheduleReminder: (["reminder"], "reminder")
        case .changeReminderStatus: (["token", "reminder"], "reminder")
        case .createFlow, .changeFlowStatus: (["flow"], "flow")
        case .initiateCall, .changeCallStatus: (["call"], "call")
        case .recordInteraction: (["interaction"], "interaction")
        case .recordLocation: (["location"], "location")
        case .recordMemory: (["memory"], "memory")
        case .recordAIUsage: (["usage"], "usage")
        case .scheduleMessage, .changeScheduledMessageStatus: (["scheduled"], "scheduled")
        case .recordWebhookFailure, .changeWebhookFailureStatus: (["failure"], "failure")
        }
    }

    /// What an earlier submission of this command id wrote, if it got as far as its main batch.
    func earlierSubmission(of command: MigueCommand) async throws -> [WrittenBatch]? {
        let labels = Self.batches(of: command)
        guard try await store.position(of: eventID(batch: labels.done, index: 0)) != nil else { return nil }
        var found: [WrittenBatch] = []
        for label in labels.all {
            if let batch = try await storedBatch(label) { found.append(batch) }
        }
        return found.sorted { $0.batch.first < $1.batch.first }
    }

    /// The batch `label` of this command as an earlier submission stored it, if it did; a command
    /// appends each of its batches in one append, so its events are consecutive in the log.
    func storedBatch(_ label: String) async throws -> WrittenBatch? {
        guard let first = try await store.position(of: eventID(batch: label, index: 0)) else { return nil }
        let records = try await store.readAll(from: first, limit: 64)
        let batch = records.enumerated().prefix { index, record in record.id == eventID(batch: label, index: index) }
            .map(\.element)
        guard let head = batch.first, let tail = batch.last else { return nil }
        if let stored = CommandEnvelope.digest(inMetadata: head.metadata.custom), stored != digest {
            throw Rejected(rejection: CommandRejection(
                field: "id", "command \(envelope.id.lowercasedText) was already submitted with other data"))
        }
        return WrittenBatch(
            stream: head.stream,
            batch: AppendedBatch(first: head.position, last: tail.position, firstVersion: head.version, lastVersion: tail.version),
            eventTypes: batch.map(\.type), isDuplicate: true)
    }

    func run(_ command: MigueCommand) async throws -> [WrittenBatch] {
        switch command {
        case .registerUser(let register):
            return try await decideAndAppend(User.self, .register(register), to: MigueStream.user(register.userID), batch: "user")
        case .updateProfile(let update):
            return try await decideAndAppend(User.self, .updateProfile(update), to: MigueStream.user(update.userID), batch: "user")
        case .startConversation(let start):
            return try await moveConversation(.start(start), id: start.conversationID)
        case .changeConversationStatus(let change):
            return try await moveConversation(.changeStatus(change), id: change.conversationID)
        case .recordMessage(let record):
            return try await recordMessage(record)
        case .createReminder(let create):
            try await requireUser(create.userID)
            return try await decideAndAppend(Reminder.self, .create(create), to: MigueStream.reminder(create.reminderID), batch: "reminder")
        case .changeReminderStatus(let change):
            return try await changeReminderStatus(change)
        case .rescheduleReminder(let reschedule):
            return try await decideAndAppend(
                Reminder.self, .reschedule(reschedule), to: MigueStream.reminder(reschedule.reminderID), batch: "reminder")
        case .createFlow, .changeFlowStatus, .initiateCall, .changeCallStatus, .recordInteraction, .recordLocation,
            .recordMemory, .recordAIUsage, .scheduleMessage, .changeScheduledMessageStatus, .recordWebhookFailure,
            .changeWebhookFailureStatus:
            return try await runRecord(command)
        }
    }

    /// Waits a random while before retrying after a lost race, longer after each, so that many
    /// tasks contending for one stream spread out instead of colliding again (at most about 6 ms).
    func backOff(before attempt: Int) async throws {
        guard attempt > 0 else { return }
        let ceiling = 25 << min(attempt, 8)
        try await Task.sleep(for: .microseconds(Int.random(in: 0..<ceiling)))
    }

    /// Rejects unless `userID` is registered (users are never removed, so a read is enough).
    func requireUser(_ userID: UUID) async throws {
        guard try await load(User.self, MigueStream.user(userID)).state.profile != nil else {
            throw Rejected(rejection: CommandRejection(User.Rejection.notRegistered(userID)))
        }
    }

    /// Moves a reminder; a send token is claimed in its own stream before the reminder moves.
    func changeReminderStatus(_ change: Reminder.ChangeStatus) async throws -> [WrittenBatch] {
        let stream = MigueStream.reminder(change.reminderID)
        var written: [WrittenBatch] = []
        for attempt in 0..<service.maxAttempts {
            try await backOff(before: attempt)
            let reminder = try await load(Reminder.self, stream)
            let events = try decide(Reminder.self, .changeStatus(change), reminder.state)
            if let token = change.sendToken, written.isEmpty {
                written += try await decideAndAppend(
                    SendToken.self, .claim(token: token, reminderID: change.reminderID, at: at),
                    to: MigueStream.sendToken(token), batch: "token")
            }
            guard let batch = try await append(events, after: reminder, to: stream, batch: "reminder") else { continue }
            return written + [batch]
        }
        throw ContentionError(stream: stream, attempts: service.maxAttempts)
    }
}
