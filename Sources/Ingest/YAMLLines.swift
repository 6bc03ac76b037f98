/// YAML text cut into lines where libyaml (behind Yams) counts them, so that line `n` here is the
/// line a `Mark` names.
///
/// libyaml reads YAML 1.1, whose line breaks are `\n`, `\r\n` (one break), a lone `\r`, U+0085
/// (NEL), U+2028 (LS) and U+2029 (PS). Splitting on `\n` alone counted fewer: a CRLF file was one
/// line (a Swift `Character` holds `\r\n` whole), and every LS inside a quoted line moved the marks
/// after it one line down, onto another entry's text.
struct YAMLLines {
    /// The lines, without their breaks.
    let lines: [Substring]
    /// The break after each line, as written; empty after the last.
    let breaks: [Substring]

    init(_ text: String) {
        var lines: [Substring] = [], breaks: [Substring] = []
        var start = text.startIndex
        var index = start
        while index < text.endIndex {
            let next = text.index(after: index)
            if Self.isBreak(text[index]) {
                lines.append(text[start..<index])
                breaks.append(text[index..<next])
                start = next
            }
            index = next
        }
        lines.append(text[start...])
        breaks.append(text[text.endIndex...])
        self.lines = lines
        self.breaks = breaks
    }

    /// Line breaks are grapheme cluster boundaries, so each is a `Character` of its own (`\r\n`
    /// one). Not `Character.isNewline`: that also takes vertical tab and form feed, which YAML
    /// reads as text.
    private static func isBreak(_ character: Character) -> Bool {
        switch character {
        case "\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": true
        default: false
        }
    }

    var count: Int { lines.count }

    /// Line `number`, counted from 1 as a `Mark` counts; nil past either end.
    func line(_ number: Int) -> Substring? {
        (1...lines.count).contains(number) ? lines[number - 1] : nil
    }
}
