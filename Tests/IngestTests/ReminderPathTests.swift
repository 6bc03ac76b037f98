import EventSourcing
import Foundation
import Ingest
import Migue
import Testing

@Suite struct ReminderPathTests {
    /// Twenty conversations, so every fifth gets a reminder and the four paths all occur.
    let file = CorpusFile(
        language: ChatterbotLanguage.named("fr")!, name: "paths", position: 7, categories: [],
        conversations: (0..<20).map { ["Bonjour \($0)", "Salut"] })

    @Test func theFourPathsGoThroughTheDeciders() async throws {
        let generator = try ChatterbotImport()
        let conversations = try file.conversations.indices.map { try generator.conversation($0, of: file) }
        let store = InMemoryEventStore()
        let report = try await CommandRun.run(conversations.flatMap(\.all), through: CommandRouter(store: store))
        #expect(report.rejections.map(\.text) == [])
        let moves = conversations.filter { !$0.reminder.isEmpty }.map { conversation in
            conversation.reminder.dropFirst().compactMap { command -> String? in
                guard case .string(let status)? = command.data["status"] else { return nil }
                return status
            }
        }
        #expect(moves == [["sent"], ["cancelled", "pending", "sent"], ["failed", "pending", "sent"], ["failed", "cancelled"]])
        let changes = await store.readCategory("migue.reminder", from: .start, limit: 100).filter { $0.type == "migue.reminder.status-changed" }
        #expect(changes.count == 9)
        let tokens = await store.readCategory("migue.sendtoken", from: .start, limit: 100)
        #expect(tokens.count == 3)
    }

    @Test func aRescheduleIsNotBeforeCreationAndSentCarriesAToken() throws {
        let reminder = try ChatterbotImport().conversation(5, of: file).reminder
        let created = reminder[0]
        guard case .string(let due)? = created.data["scheduled_time"], let dueTime = Timestamp(rfc3339: due) else {
            Issue.record("reminder.create without a scheduled_time")
            return
        }
        #expect(dueTime == created.at.adding(seconds: 86_400 - 50))
        #expect(reminder[2].data["scheduled_time"] != nil)
        #expect(reminder[3].data["send_token"] != nil)
        #expect(reminder.map(\.at) == reminder.map(\.at).sorted())
    }
}

@Suite(.enabled(if: TestCorpus.runsInstalledSuites, "the corpus is installed by tools/setup into .parley/corpus (or PARLEY_CORPUS)"))
struct InstalledCorpusTests {
    @Test func everyConversationOfEveryLanguageGetsItsOwnNumber() throws {
        let corpus = ChatterbotCorpus(directory: TestCorpus.installed)
        let languages = try corpus.installedLanguages()
        #expect(languages.count == 28)
        let plan = try ImportPlan.chatterbot(corpus: corpus, languages: languages)
        let conversations = Array(plan.conversations)
        #expect(conversations.count == 7644)
        let proactive = conversations.count { $0.activity.contains { $0.data["proactive"] == .bool(true) } }
        #expect(proactive == 3764)
        // 19,597 lines until the eight entries that lost a `- ` were read as the conversations they are,
        // 19,610 until the two turns followed by too deep ones (`ukrainian/emotion.yml`) were read as those turns.
        #expect(plan.messages == 19_616 + proactive)
        #expect(plan.rows.list.filter { $0.rows == 0 }.map(\.table) == [])
        let phones = conversations.map { $0.setup[0].data["phone_number"] }
        #expect(Set(phones).count == phones.count)
        let ids = conversations.flatMap(\.all).map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.count == plan.commandCount)
        let waIDs = conversations.flatMap { $0.messages + $0.activity }.compactMap { command -> String? in
            guard case .string(let id)? = command.data["wa_message_id"] else { return nil }
            return id
        }
        #expect(waIDs.allSatisfy { $0.unicodeScalars.count <= Migue.maxWhatsAppIDLength })
    }

    @Test func aSampleOfEveryLanguageIsAccepted() async throws {
        let corpus = ChatterbotCorpus(directory: TestCorpus.installed)
        let plan = try ImportPlan.chatterbot(corpus: corpus, languages: corpus.installedLanguages(), limitPerLanguage: 21)
        let report = try await CommandRun.run(plan.commands, through: CommandRouter(store: InMemoryEventStore()))
        #expect(report.rejections.map(\.text) == [])
        #expect(report.tally.commands == plan.commandCount)
    }
}
