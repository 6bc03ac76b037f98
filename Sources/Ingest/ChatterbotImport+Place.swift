import EventSourcing
import Foundation
import Migue

extension ChatterbotImport {
    /// Where a corpus conversation is (round, language, file, index), and everything derived from it.
    struct Place: Sendable {
        var round: Int
        var file: CorpusFile
        var index: Int

        /// `r<round>/<language folder>/<file>/<index>`, the name every id of the conversation derives from.
        var key: String { "r\(round)/\(file.language.folder)/\(file.name)/\(index)" }

        /// `+999` (a country code ITU keeps unassigned, so no real subscriber has it), then two digits
        /// each of round, language number and file position, then four of the index: 13 digits,
        /// distinct for distinct places.
        var phoneNumber: String {
            "+999" + digits(round, 2) + digits(file.language.number, 2) + digits(file.position, 2) + digits(index, 4)
        }

        var userID: UUID { Migue.userID(phoneNumber: phoneNumber) }

        /// e.g. `cb.r0.es.greetings.12`.
        var waConversationID: String { "cb.r\(round).\(file.language.code).\(file.name).\(index)" }

        var conversationID: UUID { Migue.conversationID(waConversationID: waConversationID) }

        /// e.g. `wamid.cb.r0.es.greetings.12.3`.
        func waMessageID(turn: Int) -> String { "wamid.\(waConversationID).\(turn)" }

        /// The length of the longest WhatsApp id the conversation's commands may carry: a message id
        /// ending in its last turn's number or in `.follow-up`, the longest suffix of the activity
        /// (which only some conversations have; the rule does not depend on which).
        var longestWhatsAppID: Int {
            let turns = max(file.conversations[index].count, 1)
            // Counted in code points, as migue and VARCHAR(64) count: a decomposed accent is two.
            return "wamid.".unicodeScalars.count + waConversationID.unicodeScalars.count + max(".follow-up".count, 1 + String(turns - 1).count)
        }

        /// The conversation's first moment: a minute per conversation, 100,000 s per file, 10^7 s per
        /// language and 3 * 10^8 s per round after `baseTime`.
        var start: Timestamp {
            let seconds = Int64(round) * 300_000_000 + Int64(file.language.number) * 10_000_000
                + Int64(file.position) * 100_000 + Int64(index) * 60
            return ChatterbotImport.baseTime.adding(seconds: seconds)
        }

        /// `start` plus `seconds`.
        func at(_ seconds: Int64) -> Timestamp { start.adding(seconds: seconds) }

        /// The user id as command text.
        var user: JSONValue { .string(userID.lowercasedText) }

        /// The conversation id as command text.
        var conversation: JSONValue { .string(conversationID.lowercasedText) }

        /// The user's phone as WhatsApp's webhooks carry it (`wa_id`): the digits without `+`.
        var waID: String { String(phoneNumber.dropFirst()) }

        /// Correlates every command of the conversation.
        var correlationID: UUID { UUID(namespace: ChatterbotImport.namespace, name: key) }

        /// A derived id, e.g. `id("reminder")`.
        func id(_ label: String) -> UUID { UUID(namespace: ChatterbotImport.namespace, name: "\(key)/\(label)") }

        /// A derived id as command text.
        func idText(_ label: String) -> JSONValue { .string(id(label).lowercasedText) }

        /// The command `label` of this conversation.
        func command(_ label: String, _ type: String, at: Timestamp, _ data: [String: JSONValue]) -> CommandEnvelope {
            CommandEnvelope(
                id: id("command/\(label)"), product: Migue.product, type: type, at: at, actor: ChatterbotImport.actor,
                correlationID: correlationID, data: data)
        }

        private func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
    }
}
