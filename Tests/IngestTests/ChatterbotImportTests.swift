import EventSourcing
import Foundation
import Ingest
import Migue
import Testing

@Suite struct ChatterbotImportTests {
    static var e164: Regex<Substring> { /^[+][1-9][0-9]{7,14}$/ }

    func plan(_ languages: String = "en,es", limit: Int? = nil, round: Int = 0) throws -> ImportPlan {
        let folder = try TestCorpus.make()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try ImportPlan.chatterbot(
            corpus: ChatterbotCorpus(directory: folder), languages: ChatterbotLanguage.parse(list: languages),
            limitPerLanguage: limit, round: round)
    }

    @Test func oneUserConversationAndMessagePerLineWithAlternatingDirections() throws {
        let plan = try plan()
        #expect(plan.conversations.count == 15)
        // One per line, and a proactive follow-up in each call and outreach conversation (index 1,
        // 3, 5 of both English files, 1 of the Spanish one).
        #expect(plan.messages == 2 + 4 + 1 + 2 + 2 + 2 + 2 + 2 + 1 + 2 + 3 + 2 + 2 + 2 + 1 + 7)
        // English conversations 0 and 5 of greetings.yml, 0 and 5 of trivia.yml; Spanish 0.
        #expect(plan.reminders == 5)
        let second = plan.conversations[1]
        #expect(second.setup.map(\.type) == ["user.register", "conversation.start"])
        #expect(second.activity.first?.data["proactive"] == .bool(true))
        #expect(second.messages.map { $0.data["direction"] } == ["inbound", "outbound", "inbound", "outbound"].map(JSONValue.string))
        #expect(second.messages.map { $0.data["content"] } == ["How are you?", "Fine.", "And you?", "Good."].map(JSONValue.string))
        #expect(second.messages.map { $0.data["wa_message_id"] } == (0..<4).map { .string("wamid.cb.r0.en.greetings.1.\($0)") })
        #expect(second.setup[1].data["wa_conversation_id"] == .string("cb.r0.en.greetings.1"))
        #expect(second.setup[0].data["phone_number"] == .string("+9990004000001"))
        #expect(second.reminder.isEmpty)
        // The plain-string entry is a conversation of one line; odd scalars are text.
        #expect(plan.conversations[2].messages.map { $0.data["content"] } == [.string("Who are you? - A bot.")])
        #expect(plan.conversations[3].messages.map { $0.data["content"] } == [.string("yes"), .string("42")])
    }

    /// A command's number leads back to its corpus file and conversation, for messages about it.
    @Test func everyCommandNamesTheConversationItComesFrom() throws {
        let plan = try plan()
        let conversations = (0..<plan.conversations.count).map { plan.conversations[$0].all.count }
        var line = 0
        var origins: [String] = []
        for (index, count) in conversations.enumerated() {
            for _ in 0..<count {
                line += 1
                let origin = plan.origin(ofCommand: line)
                if origins.last != origin { origins.append(origin) }
                #expect(origins.count == index + 1)
            }
        }
        #expect(line == plan.commandCount)
        #expect(origins.prefix(2) == ["english/greetings.yml, conversation 0", "english/greetings.yml, conversation 1"])
        #expect(origins.last == "spanish/saludos.yml, conversation 2")
    }

    @Test func idsNumbersAndTimesDeriveFromThePlaceOnly() throws {
        let first = Array(try plan().commands)
        let again = Array(try plan().commands)
        #expect(first == again)
        // Another selection or limit gives the same commands for the same conversations.
        let spanishOnly = Array(try plan("es", limit: 2).commands)
        #expect(first.filter { spanishOnly.map(\.id).contains($0.id) } == spanishOnly)
        #expect(!spanishOnly.isEmpty)
        #expect(Set(first.map(\.id)).count == first.count)
        #expect(first.allSatisfy { $0.actor == "chatterbot-import" && $0.product == "migue" })
        let start = try #require(first.first { $0.type == "conversation.start" })
        #expect(start.at.description == "2027-04-08T23:06:41.000000Z")
    }

    @Test func phoneNumbersAreE164AndDistinctAcrossRoundsLanguagesFilesAndIndexes() throws {
        let phones = try (0..<3).flatMap { round in
            try plan(round: round).conversations.map { conversation -> String in
                guard case .string(let phone)? = conversation.setup[0].data["phone_number"] else { return "" }
                return phone
            }
        }
        #expect(phones.count == 45)
        #expect(Set(phones).count == 45)
        #expect(phones.allSatisfy { $0.wholeMatch(of: Self.e164) != nil })
        #expect(phones.contains("+9990219000002"))
    }

    @Test func theLimitCountsConversationsPerLanguageInFileOrder() throws {
        let plan = try plan(limit: 7)
        #expect(plan.conversations.count == 7 + 3)
        let english = plan.conversations.prefix(7).map { $0.setup[1].data["wa_conversation_id"] }
        #expect(english.last == .string("cb.r0.en.trivia.0"))
        #expect(try self.plan(limit: 0).conversations.isEmpty)
        #expect(throws: ImportError("--limit must be 0 or more, not -1")) { try self.plan(limit: -1) }
    }

    @Test func everyReminderPathIsLegalAndASecondRunAppendsNothing() async throws {
        let plan = try plan()
        let router = CommandRouter(store: InMemoryEventStore())
        let first = try await CommandRun.run(plan.commands, through: router)
        #expect(first.rejections.map(\.text) == [])
        #expect(first.tally.appended == plan.commandCount)
        let reminderTypes = plan.conversations.flatMap(\.reminder).map { $0.data["status"] }
        #expect(reminderTypes == [nil, .string("sent"), nil, .string("cancelled"), .string("pending"), .string("sent"),
            nil, .string("sent"), nil, .string("cancelled"), .string("pending"), .string("sent"), nil, .string("sent")])
        let second = try await CommandRun.run(plan.commands, through: router)
        #expect(second.tally.duplicate == plan.commandCount)
        #expect(second.tally.eventsAppended == 0)
        #expect(second.rejections.isEmpty)
    }

    /// Over an import that writes every table, no statement reads the server's clock, draws a
    /// random id or names its schema: the same events build the live schema, a replay and a
    /// rebuild's shadow alike.
    @Test func noStatementOfAnyTableUsesTheServersClockRandomIdsOrASchema() async throws {
        let plan = try plan("en", limit: 4)
        let store = InMemoryEventStore()
        let run = try await CommandRun.run(plan.commands, through: CommandRouter(store: store))
        #expect(run.rejections.isEmpty)
        var tables: Set<String> = []
        for record in await store.readAll(from: .start, limit: 100_000) {
            for statement in try Projector.statements(for: record) {
                #expect(!statement.sql.contains("now()") && !statement.sql.contains("gen_random_uuid"), "\(statement.sql)")
                #expect(!statement.sql.contains("migue."), "\(statement.sql)")
                if let table = statement.sql.firstMatch(of: /^(?:INSERT INTO|UPDATE|DELETE FROM) ([a-z_0-9]+)/)?.1 {
                    tables.insert(String(table))
                }
            }
        }
        #expect(tables == Set(Projector.tables))
    }

    @Test func everyTableGetsRowsFromFourConversations() throws {
        let plan = try plan("en", limit: 4)
        #expect(plan.rows.list.filter { $0.rows == 0 }.map(\.table) == [])
        #expect(plan.rows.list.map(\.rows) == [
            // users, conversations, messages (9 lines, 2 proactive), reminders, windows
            4, 4, 9 + 2, 1, 4,
            // flows, calls (a busy user calls back), interactions (flow, two calls, map button), locations
            1, 2, 4, 1,
            // memories (exchanges 1 + 2 + 1 + 1, and a fact and a preference each), AI usage
            // (chat for the three with replies, embeddings and one media task each), scheduled, dead letters
            5 + 8, 3 + 4 + 4, 1, 1,
        ])
        let flat = plan.conversations.flatMap(\.all)
        #expect(Array(plan.commands) == flat)
        #expect(plan.commands.count == flat.count)
        #expect(plan.commandCount == flat.count)
        #expect(plan.commands[17] == flat[17])
        #expect(plan.commands[flat.count - 1] == flat[flat.count - 1])
    }

    /// A file name that could take a conversation's WhatsApp ids past migue's 64 characters is
    /// refused before any command is made; at the limit, the follow-up's id is exactly 64.
    @Test func fileNamesThatMakeWhatsAppIDsTooLongAreRefused() throws {
        let generator = try ChatterbotImport()
        let english = try #require(ChatterbotLanguage.parse(list: "en").first)
        func file(_ length: Int) -> CorpusFile {
            CorpusFile(language: english, name: String(repeating: "n", count: length), position: 0, categories: [], conversations: [["hi"], ["a", "b"]])
        }
        // Conversation 1 is a call conversation, which ends with a proactive follow-up.
        let fits = try generator.conversation(1, of: file(37)).all
        let ids = fits.flatMap { command in
            ["wa_message_id", "wa_conversation_id"].compactMap { key -> String? in
                guard case .string(let id)? = command.data[key] else { return nil }
                return id
            }
        }
        #expect(ids.map(\.count).max() == 64)
        #expect(ids.contains("wamid.cb.r0.en.\(file(37).name).1.follow-up"))
        let long = file(38)
        #expect(throws: ImportError(
            "english/\(long.name).yml: conversation 0 would have WhatsApp ids of 65 characters (`wamid.cb.r0.en.\(long.name).0.follow-up`), "
                + "over migue's 64; rename the file shorter")) { try generator.conversation(0, of: long) }
        // Migue counts code points: a decomposed é (e and U+0301) is two, so 37 characters are 38 here.
        let decomposed = CorpusFile(
            language: english, name: String(repeating: "n", count: 36) + "e\u{301}", position: 0, categories: [], conversations: [["hi"]])
        #expect(decomposed.name.count == 37)
        #expect(throws: ImportError.self) { try generator.conversation(0, of: decomposed) }
    }

    /// Each reply reads every line before it, so a long enough conversation would record more
    /// chat tokens than migue's INT holds: it is refused before any command is made.
    @Test func conversationsWhoseTokensOverflowMiguesIntAreRefused() throws {
        let generator = try ChatterbotImport()
        let english = try #require(ChatterbotLanguage.parse(list: "en").first)
        // 20,000 lines of 25 tokens: 10,000 replies reading 120 + 25 x (1, 3, ..., 19,999) tokens.
        let long = CorpusFile(language: english, name: "long", position: 0, categories: [],
            conversations: [Array(repeating: String(repeating: "a", count: 100), count: 20_000)])
        #expect(throws: ImportError(
            "english/long.yml: conversation 0 of 20000 lines would record 2501200000 chat tokens in and 250000 out, "
                + "over migue's INT 2147483647; split it")) { try generator.conversation(0, of: long) }
        let fits = CorpusFile(language: english, name: "long", position: 0, categories: [],
            conversations: [Array(repeating: String(repeating: "a", count: 100), count: 18_000)])
        let chat = try #require(try generator.conversation(0, of: fits).all.first { $0.data["task_type"] == .string("chat") })
        // 9,000 replies: 9,000 x 120 + 25 x 9,000 x 9,000.
        #expect(chat.data["tokens_input"] == .integer(2_026_080_000))
    }

    @Test func roundsOutsideThePhoneDigitsAreRefused() {
        #expect(throws: ImportError("round 100 is outside 0..<100")) { try ChatterbotImport(round: 100) }
    }
}
