import EventSourcing
import Foundation
import Yams

/// One YAML file of the chatterbot corpus: its categories and its conversations, each a list of
/// lines said in turn.
///
/// The corpus is loose YAML: an entry of `conversations` is usually a list of lines, but some are a
/// single plain string (read as a conversation of one line). Every scalar is taken as the text
/// written, so `yes`, `42` or `3.10` stay text rather than becoming a boolean or a number; an empty
/// scalar (YAML's null) is no line at all.
public struct CorpusFile: Hashable, Sendable {
    public var language: ChatterbotLanguage
    /// The file name without `.yml`, e.g. `greetings`.
    public var name: String
    /// The file's place among its language folder's `.yml` files, sorted by name, from 0.
    public var position: Int
    public var categories: [String]
    /// Every entry of `conversations` in file order, at its index there. An empty entry is an
    /// empty list, kept so that the entries after it keep their numbers (and the ids made from
    /// them) whether or not it is filled in later.
    public var conversations: [[String]]

    /// The indices of the conversations that have lines: those an import makes.
    public var conversationIndices: [Int] { conversations.indices.filter { !conversations[$0].isEmpty } }

    public init(language: ChatterbotLanguage, name: String, position: Int, categories: [String], conversations: [[String]]) {
        self.language = language
        self.name = name
        self.position = position
        self.categories = categories
        self.conversations = conversations
    }

    /// Reads one file's YAML text; a shape the corpus does not use is an error naming the line.
    public init(yaml: String, language: ChatterbotLanguage, name: String, position: Int) throws(ImportError) {
        let place = "\(language.folder)/\(name).yml"
        let root: Node?
        do {
            // UTF-8 named, not taken from `YAMS_DEFAULT_ENCODING`, whose reading Yams announces on
            // standard output, once per file, ahead of `--json`'s object.
            root = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch {
            throw ImportError("\(place): not valid YAML: \(Self.summary(of: error, in: yaml))")
        }
        // An empty file, like one without the key, would import nothing without a word.
        guard let root else { throw ImportError("\(place): empty; expected a mapping with categories and conversations") }
        guard let mapping = root.mapping else {
            throw ImportError("\(place):\(Self.line(root)): expected a mapping with categories and conversations")
        }
        // A misspelt key would otherwise leave its conversations out without a word.
        for key in mapping.keys where !["categories", "conversations"].contains(key.string ?? "") {
            throw ImportError("\(place):\(Self.line(key)): unknown key \(CommandRejection.quoted(key.string ?? "?", limit: 64)); expected categories and conversations")
        }
        // `categories: ~` is no category, as a missing key is (the file's name stands in), not one named "~".
        var categories: [String] = []
        if let listed = mapping["categories"], !Self.isNull(listed) {
            categories = try Self.lines(of: listed, in: place, emptyItem: "an empty category in the list of categories")
        }
        guard let list = mapping["conversations"] else {
            throw ImportError("\(place):\(Self.line(root)): no conversations key; expected categories and conversations")
        }
        var conversations: [[String]] = []
        if !Self.isNull(list) {
            guard let entries = list.sequence else {
                throw ImportError("\(place):\(Self.line(list)): conversations: expected a list")
            }
            let source = YAMLLines(yaml)
            for entry in entries {
                if let said = try Self.unfolded(entry, source: source, in: place) {
                    conversations.append(said)
                    continue
                }
                var said = try Self.lines(of: entry, in: place, emptyItem: "an empty line inside a conversation; every line is a turn")
                // Each item is one line here (`lines` refuses an empty one among others).
                if case .sequence(let items) = entry, items.count == said.count {
                    var turns: [String] = []
                    for (item, line) in zip(items, said) {
                        turns += try Self.unfolded(item, source: source, in: place) ?? [line]
                    }
                    said = turns
                }
                conversations.append(said)
            }
        }
        self.init(language: language, name: name, position: position, categories: categories, conversations: conversations)
    }

    /// The text lines of `node`: a list of scalars, or one scalar. An empty item in a list of more
    /// than one is refused, named `emptyItem`.
    private static func lines(of node: Node?, in place: String, emptyItem: String) throws(ImportError) -> [String] {
        guard let node else { return [] }
        switch node {
        case .scalar(let scalar):
            return scalar.string.isEmpty ? [] : [try text(scalar.string, of: node, in: place)]
        case .sequence(let sequence):
            var lines: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else {
                    throw ImportError("\(place):\(line(item)): expected a line of text, found a \(kind(item))")
                }
                // Dropped, it would shift whose turn every later line is (user, bot, user, ...).
                guard !scalar.string.isEmpty || sequence.count == 1 else { throw ImportError("\(place):\(line(item)): \(emptyItem)") }
                if !scalar.string.isEmpty { lines.append(try text(scalar.string, of: item, in: place)) }
            }
            return lines
        case .mapping, .alias:
            throw ImportError("\(place):\(line(node)): expected a line or a list of lines, found a \(kind(node))")
        }
    }

    /// A scalar's `text`, refused when PostgreSQL could not store it: checked here, so a file that
    /// would fail part-way through its conversations fails before anything is appended.
    private static func text(_ text: String, of node: Node, in place: String) throws(ImportError) -> String {
        guard !text.utf8.contains(0) else {
            throw ImportError("\(place):\(line(node)): the line contains U+0000, which PostgreSQL text cannot store")
        }
        return text
    }

    /// Whether `conversations:` or `categories:` is null (a line `~` or `null` is text, as written:
    /// `oddScalarsStayTheTextWritten`).
    private static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.string.isEmpty || (scalar.style == .plain && ["~", "null", "Null", "NULL"].contains(scalar.string))
    }

    private static func kind(_ node: Node) -> String {
        switch node {
        case .scalar: "scalar"
        case .sequence: "list"
        case .mapping: "mapping"
        case .alias: "alias"
        }
    }

    private static func line(_ node: Node) -> String { node.mark.map { "\($0.line)" } ?? "?" }

    /// The first line after `first` (1-based, as Yams counts) where plain `key:` starts at the same
    /// column: the key's repeat in a block mapping. Nil when written otherwise (quoted, in a flow).
    private static func repeatLine(of key: String, after first: Mark, in yaml: String) -> Int? {
        let indent = String(repeating: " ", count: max(0, first.column - 1))
        let lines = YAMLLines(yaml).lines
        guard first.line < lines.count else { return nil }
        for number in first.line..<lines.count {
            let line = lines[number]
            guard line.hasPrefix(indent + key) else { continue }
            if line.dropFirst(indent.count + key.count).drop(while: { $0 == " " }).first == ":" { return number + 1 }
        }
        return nil
    }

    /// A parser error's position, problem and context, without the YAML text Yams appends.
    private static func summary(of error: any Error, in yaml: String) -> String {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _)?, .parser(let context, let problem, let mark, _)?,
            .composer(let context, let problem, let mark, _)?:
            let during = context.map { " (\($0.text) in line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return "line \(mark.line), column \(mark.column): \(problem)\(during)"
        case .duplicatedKeysInMapping(let duplicates, let context)?:
            // Yams marks the first key's first use; the error is where it comes again.
            if duplicates.count == 1, let key = duplicates.first, let again = repeatLine(of: key, after: context.mark, in: yaml) {
                return "line \(again): the key \(key) comes a second time in one mapping (first in line \(context.mark.line))"
            }
            return "line \(context.mark.line): the keys \(duplicates.sorted().joined(separator: ", ")) appear twice in one mapping"
        default:
            let text = String(describing: error)
            return text.split(separator: "\n").first.map(String.init) ?? text
        }
    }
}
