import Yams

extension CorpusFile {
    /// The turns a plain line stands for when deeper lines under it are list items: a conversation
    /// that lost one `- `, or a turn whose following turns were indented too deep.
    ///
    ///     - In a game of bingo, which number is represented by the phrase "two little ducks"?
    ///       - '22'
    ///     - - Ти радієш?
    ///         - Хтось радіє, а хтось сумує.
    ///         - Чому?
    ///
    /// YAML folds such lines into the first one's text (`...ducks"? - '22'`, quotes included), so
    /// the answers would become the user's words. Read again as the list they were meant to be,
    /// each item line moved out to the first line's `- ` (lines under an item keep their place
    /// beside it), they give `["In a game of bingo, ...?", "22"]` and `["Ти радієш?", "Хтось
    /// радіє, а хтось сумує.", "Чому?"]`. Nil for any other node, a long line wrapped onto the next
    /// (no item follows) included. The corpus has ten: eight entries and two turns.
    static func unfolded(_ node: Node, source: YAMLLines, in place: String) throws(ImportError) -> [String]? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let mark = node.mark, let first = source.line(mark.line),
            let dash = itemDash(before: mark.column - 1, in: first)
        else { return nil }
        // Each line keeps its own break: libyaml folds LS and PS otherwise than `\n`.
        var repaired = String(first.dropFirst(dash)) + source.breaks[mark.line - 1]
        // A blank line does not end the item (YAML folds it into the text too): one is kept when
        // a deeper line follows it, so that no item after it is lost.
        var blanks = ""
        var base = dash
        var hasItem = false
        var shallow = false
        for number in mark.line..<source.count {
            let line = source.lines[number]
            guard line.contains(where: { $0 != " " && $0 != "\t" }) else {
                blanks += source.breaks[number]
                continue
            }
            let indent = line.prefix(while: { $0 == " " }).count
            // A comment line ends a plain scalar, so YAML folded nothing after it.
            guard indent > dash, line.dropFirst(indent).first != "#" else { break }
            if isItem(line.dropFirst(indent)) {
                hasItem = true
                base = indent
            } else if indent <= base {
                // Under an item but not deeper than it: no list reads it back as YAML folded it.
                shallow = true
            }
            repaired += blanks + line.dropFirst(base) + source.breaks[number]
            blanks = ""
        }
        guard hasItem else { return nil }
        let problem = "\(place):\(mark.line): a line followed by list items, read as the turns they are,"
        guard !shallow, case .sequence(let items)? = try? Yams.compose(yaml: repaired, .default, .default, .utf8), items.count > 1 else {
            throw ImportError("\(problem) is not a list of lines")
        }
        var lines: [String] = []
        for item in items {
            guard case .scalar(let said) = item, !said.string.isEmpty else { throw ImportError("\(problem) holds an empty turn or a \(item)") }
            guard !said.string.utf8.contains(0) else { throw ImportError("\(problem) contains U+0000, which PostgreSQL text cannot store") }
            lines.append(said.string)
        }
        return lines
    }

    /// Whether `text` (a line after its indent) opens a list item: a dash, then a space. A dash
    /// then a tab counts too, although libyaml reads no item there: the repair then fails and
    /// names the line, rather than leave the answer folded into the turn.
    private static func isItem(_ text: Substring) -> Bool {
        text.hasPrefix("- ") || text.hasPrefix("-\t")
    }

    /// The column of the dash that opens the item whose text starts at `column` (from 0, in
    /// Unicode scalars, as libyaml counts), when only the dashes and blanks of enclosing items
    /// (`- - text`) come before it.
    private static func itemDash(before column: Int, in line: Substring) -> Int? {
        let scalars = Array(line.unicodeScalars.prefix(column))
        guard scalars.count == column, let dash = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }), scalars[dash] == "-",
            dash + 1 < column, scalars[..<dash].allSatisfy({ $0 == " " || $0 == "\t" || $0 == "-" })
        else { return nil }
        return dash
    }
}
