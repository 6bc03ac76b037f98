import EventSourcing

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
        public struct Iterator: IteratorProtocol {
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
