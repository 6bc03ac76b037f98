import EventSourcing
import Foundation
import Ingest
import Migue
import Testing

/// Sixteen conversations take every slot's every turn; all of them go through the deciders.
@Suite struct ActivityPathTests {
    let file = CorpusFile(
        language: ChatterbotLanguage.named("ja")!, name: "paths", position: 2, categories: ["paths"],
        conversations: (0..<16).map { index in
            index % 5 == 4 ? ["ひとつだけ \(index)"] : ["Hello \(index)", "Hi there", "Bye \(index)"]
        })

    /// The store after importing the sixteen conversations, checked to reject nothing.
    func imported() async throws -> InMemoryEventStore {
        let generator = try ChatterbotImport()
        let commands = try file.conversations.indices.flatMap { try generator.conversation($0, of: file).all }
        let store = InMemoryEventStore()
        let report = try await CommandRun.run(commands, through: CommandRouter(store: store))
        #expect(report.rejections.map(\.text) == [])
        #expect(report.tally.appended == commands.count)
        return store
    }

    /// The events of `category` of `type`, each read as a JSON object.
    func events(_ store: InMemoryEventStore, _ category: String, _ type: String) async throws -> [[String: JSONValue]] {
        try await store.readCategory(category, from: .start, limit: 10_000).filter { $0.type == type }.map { event in
            guard case .object(let members)? = JSONValue(parsing: event.payload) else { throw ImportError("not an object") }
            return members
        }
    }

    func values(_ events: [[String: JSONValue]], _ key: String) -> [String] {
        events.map { event in
            switch event[key] {
            case .string(let text)?: text
            case .integer(let number)?: String(number)
            default: "-"
            }
        }
    }

    @Test func everyFlowCallAndInteractionOutcomeOccurs() async throws {
        let store = try await imported()
        let flows = try await events(store, "migue.flow", "migue.flow.status-changed")
        #expect(Set(zip(values(flows, "from"), values(flows, "to")).map { "\($0)->\($1)" }) == [
            "pending->in_progress", "in_progress->completed", "pending->completed", "in_progress->expired", "pending->failed",
        ])
        #expect(flows.filter { $0["to"] == .string("completed") }.allSatisfy { $0["response_data"] != nil && $0["completed_at"] != nil })
        let calls = try await events(store, "migue.call", "migue.call.status-changed")
        #expect(Set(zip(values(calls, "to"), values(calls, "end_reason")).map { "\($0) \($1)" }) == [
            "accepted -", "ended completed", "rejected user_busy", "rejected user_declined", "failed timeout",
        ])
        let interactions = try await events(store, "migue.interaction", "migue.interaction.recorded")
        #expect(Set(values(interactions, "interaction_type")) == ["flow_completion", "call_accepted", "call_rejected", "cta_button_tap"])
    }

    @Test func proactiveMessagesUseBothWindowsAndDeadLettersEndEveryWay() async throws {
        let store = try await imported()
        let proactive = try await events(store, "migue.window", "migue.window.proactive-sent")
        #expect(Set(values(proactive, "allowed_by")) == ["service_window", "free_entry_point"])
        #expect(proactive.count == 8)
        let scheduled = try await events(store, "migue.scheduledmessage", "migue.scheduled-message.status-changed")
        #expect(values(scheduled, "to") == ["sent", "failed", "sent", "failed"])
        let failures = try await events(store, "migue.webhookfailure", "migue.webhook-failure.status-changed")
        let endings = failures.filter { [.string("resolved"), .string("abandoned")].contains($0["to"]) }
        #expect(zip(values(endings, "to"), values(endings, "retry_count")).map { "\($0) after \($1)" } == [
            "resolved after 1", "resolved after 2", "abandoned after 3", "resolved after 1",
        ])
    }

    @Test func locationsHoldEightDecimalsNearTheCityAndMemoriesTheirEmbeddings() async throws {
        let store = try await imported()
        let locations = try await events(store, "migue.location", "migue.location.recorded")
        #expect(locations.count == 4)
        for location in locations {
            guard case .string(let latitude)? = location["latitude"], case .string(let longitude)? = location["longitude"],
                let north = Double(latitude), let east = Double(longitude)
            else { throw ImportError("no coordinates") }
            #expect(abs(north - 35.6762) <= 0.05 && abs(east - 139.6503) <= 0.05, "Tokyo, \(latitude), \(longitude)")
            #expect((latitude.split(separator: ".").last?.count ?? 0) <= 8)
        }
        let memories = try await events(store, "migue.memory", "migue.memory.recorded")
        #expect(Set(values(memories, "type")) == ["conversation", "fact", "preference"])
        // Version 2 stores the embedding as base64 of 32-bit floats: 1536 of them, 6144 bytes.
        let embedded = memories.compactMap { memory -> Int? in
            guard case .string(let text)? = memory["embedding"], let bytes = Data(base64Encoded: text) else { return nil }
            return bytes.count / 4
        }
        #expect(Set(embedded) == [1536])
        #expect(embedded.count == memories.count { $0["type"] != .string("preference") })
        let usage = try await events(store, "migue.aiusage", "migue.ai-usage.recorded")
        #expect(Set(values(usage, "provider")) == ["gemini", "claude", "groq", "openai", "tesseract"])
        #expect(Set(values(usage, "task_type")) == ["chat", "audio_transcription", "ocr", "embeddings", "image_analysis"])
    }
}
