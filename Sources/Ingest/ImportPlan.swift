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
                for index in file.conversationIndices {
                    if let limit, taken >= limit { break files }
                    places.append(try generator.place(index, of: file))
                    taken += 1
                }
            }
        }
        return ImportPlan(conversations: Conversations(generator: generator, places: places))
    }

    /// Where the command numbered `line` (from 1, in `commands`) comes from, as a user finds it
    /// in the corpus: `english/greetings.yml, conversation 12` (conversations counted from 0).
    public func origin(ofCommand line: Int) -> String {
        precondition(line >= 1 && line <= commandCount, "command \(line) is not in the plan")
        // The last conversation whose first command is at or before the line's.
        var low = 0, high = offsets.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if offsets[middle] <= line - 1 { low = middle } else { high = middle }
        }
        let place = conversations.places[low]
        return "\(place.file.language.folder)/\(place.file.name).yml, conversation \(place.index)"
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


extension ImportPlan {
    /// Every command of a plan in order, generated a conversation at a time when iterated.
    ///
    /// A `Sequence`, not a `Collection`: the standard library's `map` and `filter` over a collection
    /// read it by index, and each read here generates the command's whole conversation.
    public struct Commands: Sequence, Sendable {
        let conversations: Conversations
        let offsets: [Int]

        /// How many commands there are.
        public var count: Int { offsets[offsets.count - 1] }

        public var underestimatedCount: Int { count }

        /// Command `position`, from 0: generates its whole conversation, so iterate rather than
        /// index in a loop.
        public subscript(position: Int) -> CommandEnvelope {
            precondition((0..<count).contains(position), "command \(position) is outside 0..<\(count)")
            // The last conversation whose first command is at or before `position`.
            var low = 0
            var high = offsets.count - 1
            while high - low > 1 {
                let middle = (low + high) / 2
                if offsets[middle] <= position { low = middle } else { high = middle }
            }
            return conversations[low].all[position - offsets[low]]
        }

        public func makeIterator() -> Iterator { Iterator(conversations: conversations) }

        /// Generates each conversation once, as the iteration reaches it.
        public struct Iterator: IteratorProtocol, Sendable {
            let conversations: Conversations
            var conversation = 0
            var pending: [CommandEnvelope] = []
            var offset = 0

            public mutating func next() -> CommandEnvelope? {
                while offset == pending.count {
                    guard conversation < conversations.endIndex else { return nil }
                    pending = conversations[conversation].all
                    offset = 0
                    conversation += 1
                }
                defer { offset += 1 }
                return pending[offset]
            }
        }
    }
}
