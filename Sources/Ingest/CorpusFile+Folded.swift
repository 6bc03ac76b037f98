import Yams

extension CorpusFile {
    /// The turns of an entry written as a conversation that lost one `- `: a plain line whose
    /// following, deeper lines are list items.
    ///
    ///     - In a game of bingo, which number is represented by the phrase "two little ducks"?
    ///       - '22'
    ///
    /// YAML folds such lines into the first one's text (`...ducks"? - '22'`, quotes included), so
    /// the answer would become the user's words. Read again with the missing `- ` put back, it is
    /// the list it was meant to be: here `["In a game of bingo, ...?", "22"]`. Nil for any other
    /// entry, a long line wrapped onto the next (no item follows) included. The corpus has eight.
    static func foldedConversation(_ entry: Node, source: YAMLLines, in place: String) throws(ImportError) -> [String]? {
        guard case .scalar(let scalar) = entry, scalar.style == .plain, let mark = entry.mark, let first = source.line(mark.line)
        else { return nil }
        guard let dash = first.firstIndex(where: { $0 != " " }), first[dash...].hasPrefix("- ") else { return nil }
        let indent = first.distance(from: first.startIndex, to: dash)
        // Each line keeps its own break: libyaml folds LS and PS otherwise than `\n`.
        var repaired = "- - " + first[first.index(dash, offsetBy: 2)...] + source.breaks[mark.line - 1]
        // A blank line does not end the entry (YAML folds it into the text too): one is kept when
        // a deeper line follows it, so that no item after it is lost.
        var blanks = ""
        var hasItem = false
        for number in mark.line..<source.count {
            let line = source.lines[number]
            guard line.contains(where: { $0 != " " }) else {
                blanks += source.breaks[number]
                continue
            }
            guard line.prefix(while: { $0 == " " }).count > indent else { break }
            let text = line.dropFirst(indent)
            hasItem = hasItem || text.drop { $0 == " " }.hasPrefix("- ")
            repaired += blanks + text + source.breaks[number]
            blanks = ""
        }
        guard hasItem else { return nil }
        let problem = "\(place):\(mark.line): a line followed by list items, read as a conversation of them,"
        guard case .sequence(let outer)? = try? Yams.compose(yaml: repaired, .default, .default, .utf8), outer.count == 1, case .sequence(let turns) = outer[0] else {
            throw ImportError("\(problem) is not a list of lines")
        }
        var lines: [String] = []
        for turn in turns {
            guard case .scalar(let said) = turn, !said.string.isEmpty else { throw ImportError("\(problem) holds an empty turn or a \(turn)") }
            guard !said.string.utf8.contains(0) else { throw ImportError("\(problem) contains U+0000, which PostgreSQL text cannot store") }
            lines.append(said.string)
        }
        return lines
    }
}
