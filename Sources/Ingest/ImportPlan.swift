import EventSourcing

/// The commands an import will submit, conversation by conversation, and what they add up to.
public struct ImportPlan: Sendable {
    public var conversations: [ChatterbotImport.Conversation] = []

    public init(conversations: [ChatterbotImport.Conversation] = []) {
        self.conversations = conversations
    }

    /// The corpus conversations of `languages`, at most `limit` from each language (in file order,
    /// files sorted by name), as copy `round` of the corpus.
    public static func chatterbot(
        corpus: ChatterbotCorpus, languages: [ChatterbotLanguage], limitPerLanguage limit: Int? = nil, round: Int = 0
    ) throws(ImportError) -> ImportPlan {
        if let limit, limit < 0 { throw ImportError("--limit must be 0 or more, not \(limit)") }
        let generator = try ChatterbotImport(round: round)
        var plan = ImportPlan()
        for language in languages {
            var taken = 0
            files: for file in try corpus.files(of: language) {
                for index in file.conversations.indices {
                    if let limit, taken >= limit { break files }
                    plan.conversations.append(try generator.conversation(index, of: file))
                    taken += 1
                }
            }
        }
        return plan
    }

    /// Every command in the order it must be handled.
    public var commands: [CommandEnvelope] { conversations.flatMap(\.all) }

    /// One user and one conversation per corpus conversation.
    public var users: Int { conversations.count }
    public var messages: Int { conversations.reduce(0) { $0 + $1.messages.count } }
    public var reminders: Int { conversations.count { !$0.reminder.isEmpty } }
    public var commandCount: Int { conversations.reduce(0) { $0 + $1.setup.count + $1.messages.count + $1.reminder.count } }
}
