import EventSourcing

/// The commands an import will submit, conversation by conversation, and what they add up to.
///
/// The plan holds where each conversation is, not its commands: a conversation's commands
/// (memories carry 1536-number embeddings) are generated when read, so a full import never holds
/// them all at once. Generating is pure, so reading twice gives the same commands.
public struct ImportPlan: Sendable {
    /// The corpus conversations, in import order.
    public let conversations: Conversations
    /// The rows the plan's commands create, per migue table.
    public let rows: TableCounts
    /// How many commands the plan submits.
    public let commandCount: Int
    /// Where each conversation's commands start in `commands`, and the total last.
    let offsets: [Int]

    init(conversations: Conversations) {
        self.conversations = conversations
        var rows = TableCounts()
        var offsets = [0]
        offsets.reserveCapacity(conversations.count + 1)
        for conversation in conversations {
            let commands = conversation.all
            rows.count(oneUser: commands)
            offsets.append(offsets[offsets.count - 1] + commands.count)
        }
        self.rows = rows
        self.offsets = offsets
        commandCount = offsets[offsets.count - 1]
    }

    /// The corpus conversations of `languages`, at most `limit` from each language (in file order,
    /// files sorted by name), as copy `round` of the corpus.
    public static func chatterbot(
        corpus: ChatterbotCorpus, languages: [ChatterbotLanguage], limitPerLanguage limit: Int? = nil, round: Int = 0
    ) throws(ImportError) -> ImportPlan {
        if let limit, limit < 0 { throw ImportError("--limit must be 0 or more, not \(limit)") }
        let generator = try ChatterbotImport(round: round)
        var places: [ChatterbotImport.Place] = []
        for language in languages {
            var taken = 0
            files: for file in try corpus.files(of: language) {
                for index in file.conversations.indices {
                    if let limit, taken >= limit { break files }
                    places.append(try generator.place(index, of: file))
                    taken += 1
                }
            }
        }
        return ImportPlan(conversations: Conversations(generator: generator, places: places))
    }

    /// Every command in the order it must be handled.
    public var commands: Commands { Commands(conversations: conversations, offsets: offsets) }

    /// One user per corpus conversation.
    public var users: Int { rows.users }
    /// Messages recorded: one per corpus line, and the proactive ones.
    public var messages: Int { rows.messages }
    public var reminders: Int { rows.reminders }

    /// The conversations of a plan, each generated when read.
    public struct Conversations: RandomAccessCollection, Sendable {
        let generator: ChatterbotImport
        let places: [ChatterbotImport.Place]

        public var startIndex: Int { 0 }
        public var endIndex: Int { places.count }

        public subscript(position: Int) -> ChatterbotImport.Conversation { generator.make(places[position]) }
    }
}
