import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct ConcurrencyTests {
    typealias F = Fixture
    typealias S = Scenario

    /// Replays the whole log as the projection would and fails if a user ever has two active conversations.
    static func maxActivePerUser(in store: any EventStore) async throws -> Int {
        var status: [UUID: (user: UUID, status: Conversation.Status)] = [:]
        var most = 0
        for record in try await store.readAll(from: .start, limit: 100_000) where record.stream.category == "migue.conversation" {
            switch try Conversation.Event(record) {
            case .started(let started): status[started.conversationID] = (started.userID, started.status)
            case .statusChanged(let change): status[change.conversationID] = (change.userID, change.to)
            }
            let active = Dictionary(grouping: status.values.filter { $0.status == .active }, by: \.user)
            most = max(most, active.values.map(\.count).max() ?? 0)
        }
        return most
    }

    @Test func manyConcurrentStartsLeaveExactlyOneActiveConversation() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register())
        let conversations = (0..<24).map { F.id("race-\($0)") }
        let service = MigueService(store: InterleavingStore(base: scenario.store))
        let results = try await withThrowingTaskGroup(of: CommandResult.self) { group in
            for conversation in conversations {
                group.addTask { try await service.handle(S.start(conversation)) }
            }
            return try await group.reduce(into: [CommandResult]()) { $0.append($1) }
        }
        #expect(results.filter(\.appendedAnything).count == 1)
        var active: [UUID] = []
        for conversation in conversations
        where try await scenario.state(Conversation.self, MigueStream.conversation(conversation)).status == .active {
            active.append(conversation)
        }
        #expect(active.count == 1)
        // Every other start is refused for the one that won, whichever it was.
        let refusal = CommandResult.rejected(CommandRejection(User.Rejection.anotherConversationActive(user: F.userID, conversation: active[0])))
        #expect(results.filter { $0 == refusal }.count == 23)
        let user = try await scenario.state(User.self, MigueStream.user(F.userID))
        #expect(user.activeConversation?.conversationID == active.first)
        #expect(try await Self.maxActivePerUser(in: scenario.store) == 1)
    }

    @Test func archivingAndReactivatingRacesNeverShowTwoActive() async throws {
        let scenario = Scenario()
        let conversations = (0..<6).map { F.id("churn-\($0)") }
        try await scenario.given(S.register())
        for conversation in conversations { try await scenario.given(S.start(conversation, status: "archived")) }
        let service = MigueService(store: InterleavingStore(base: scenario.store))
        var activations = 0
        for round in 0..<8 {
            activations += try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, conversation) in conversations.enumerated() {
                    let target = (index + round) % 2 == 0 ? "active" : "archived"
                    let command = S.move(conversation, to: target, name: "round \(round) \(index)", at: Int64(10 + round))
                    group.addTask {
                        let result = try await service.handle(command)
                        return target == "active" && result.appendedAnything
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
        }
        // Round 0 starts with every conversation archived: one of its three reactivations wins.
        #expect(activations >= 1)
        #expect(try await Self.maxActivePerUser(in: scenario.store) == 1)
        var active: [UUID] = []
        for conversation in conversations
        where try await scenario.state(Conversation.self, MigueStream.conversation(conversation)).status == .active {
            active.append(conversation)
        }
        let user = try await scenario.state(User.self, MigueStream.user(F.userID))
        #expect(active.count <= 1)
        // The user's slot names the active conversation; with none active it may still hold a claim
        // an ended activation left, which the next start takes over.
        if let only = active.first { #expect(user.activeConversation?.conversationID == only) }
    }
}
