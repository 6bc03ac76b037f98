import Foundation
import Ingest
import Testing

@Suite struct CorpusFileTests {
    let english = ChatterbotLanguage.named("en")!

    func parse(_ yaml: String) throws(ImportError) -> CorpusFile {
        try CorpusFile(yaml: yaml, language: english, name: "odd", position: 3)
    }

    @Test func listsOfLinesAndPlainStringEntries() throws {
        let file = try parse("""
            categories:
            - greetings
            - small talk
            conversations:
            - - Hello
              - Hi
            - Who are you? - I am just an artificial intelligence.
            - - How are you?
              - Fine.
              - And you?
            """)
        #expect(file.categories == ["greetings", "small talk"])
        #expect(file.conversations == [
            ["Hello", "Hi"], ["Who are you? - I am just an artificial intelligence."], ["How are you?", "Fine.", "And you?"],
        ])
        #expect(file.name == "odd")
        #expect(file.position == 3)
    }

    /// Eight corpus entries lost one `- `: YAML folds their answers into the question's text.
    @Test func aLineFollowedByListItemsIsTheConversationItLostItsDashFor() throws {
        let file = try parse("""
            categories:
            - trivia
            conversations:
            - In a game of bingo, which number is represented by the phrase "two little ducks"?
              - '22'
            - a long line
              wrapped - onto the next
            - Hi
              - Hello
              - How are you?
            - Question?
              - answer 1

              - answer 2

            - - a
              - b
            """)
        #expect(try parse("categories: ~\nconversations:\n- - a\n").categories == [])
        #expect(file.conversations == [
            [#"In a game of bingo, which number is represented by the phrase "two little ducks"?"#, "22"],
            ["a long line wrapped - onto the next"], ["Hi", "Hello", "How are you?"], ["Question?", "answer 1", "answer 2"], ["a", "b"],
        ])
    }

    /// Two turns of the corpus (`ukrainian/emotion.yml`) have the turns after them indented too
    /// deep, so YAML folds those into their text: they are read back as the turns they are.
    @Test func aTurnFollowedByDeeperItemsIsFollowedByThoseTurns() throws {
        let file = try parse("""
            conversations:
            - - Ти радієш?
                - Хтось радіє, а хтось сумує.
                - Чому?
            - - a
              - b
                  - c
                    wrapped
              - d
            """)
        #expect(file.conversations == [
            ["Ти радієш?", "Хтось радіє, а хтось сумує.", "Чому?"], ["a", "b", "c wrapped", "d"],
        ])
        // An alias names the node YAML composed, at its place: it is repaired there again.
        #expect(try parse("conversations:\n- - &x Q?\n    - A\n  - *x\n").conversations == [["Q?", "A", "Q?", "A"]])
    }

    /// Items deeper than two spaces, at uneven depths, or after a first line wrapped onto the
    /// next are each a turn; a line under an item but not deeper than it is no list at all.
    @Test func foldedItemsAtAnyDepthAreTurns() throws {
        let file = try parse("""
            conversations:
            - Q?
                - A
                - B
            - Q?
                - A
              - B
            - a first line
              wrapped before the items
              - answer
            """)
        #expect(file.conversations == [["Q?", "A", "B"], ["Q?", "A", "B"], ["a first line wrapped before the items", "answer"]])
        #expect(throws: ImportError("english/odd.yml:2: a line followed by list items, read as the turns they are, is not a list of lines")) {
            try parse("conversations:\n- Q?\n    - A\n  under A, not deeper\n")
        }
    }

    /// A comment ends a plain line, so YAML folded nothing after it, and a line of blanks is
    /// blank whatever they are. A dash then a tab is no item to libyaml: such a line among
    /// folded items stops the import rather than give the answer to the user.
    @Test func foldedItemsEndAtACommentAndSkipBlankLines() throws {
        let file = try parse("conversations:\n- Q?\n  - A\n  # note\n- - q?\n    - a\n    # note\n  - next\n- U?\n  - V\n  \t\n  - W\n")
        #expect(file.conversations == [["Q?", "A"], ["q?", "a", "next"], ["U?", "V", "W"]])
        #expect(throws: ImportError("english/odd.yml:2: a line followed by list items, read as the turns they are, is not a list of lines")) {
            try parse("conversations:\n- R?\n  -\tS\n  - T\n")
        }
    }

    /// Lines are counted where YAML counts them, so the entry found is the one the parser read:
    /// CRLF (16 corpus files), a lone CR, NEL, and LS or PS inside a line of text.
    @Test func theFoldedRepairCountsLinesAsYAMLDoes() throws {
        let folded = "categories:\r\n- trivia\r\nconversations:\r\n- Two little ducks?\r\n  - '22'\r\n- - a\r\n  - b\r\n"
        #expect(try parse(folded).conversations == [["Two little ducks?", "22"], ["a", "b"]])
        #expect(try parse(folded.replacingOccurrences(of: "\r\n", with: "\r")).conversations == [["Two little ducks?", "22"], ["a", "b"]])
        for separator in ["\u{2028}", "\u{2029}", "\u{85}"] {
            let file = try parse("conversations:\n- - \"a\(separator)b\"\n  - c\n- Foo\n- Bar\n  - baz\n")
            #expect(file.conversations.count == 3, "\(separator.unicodeScalars.first!.value)")
            #expect(file.conversations[1] == ["Foo"])
            #expect(file.conversations[2] == ["Bar", "baz"])
        }
        // A separator inside a repaired entry's items is kept as written, not turned into `\n`.
        let kept = try parse("conversations:\n- Q?\n  - \"x\u{2028}\n    y\"\n")
        #expect(kept.conversations == [["Q?", "x\u{2028}\ny"]])
    }

    @Test func aRepeatedKeyInACRLFFileIsNamedAtItsLine() throws {
        #expect(throws: ImportError("english/odd.yml: not valid YAML: line 4: the key conversations comes a second time in one mapping (first in line 2)")) {
            try parse("categories: [x]\r\nconversations:\r\n- - Hi\r\nconversations:\r\n- - Bye\r\n")
        }
    }

    @Test func oddScalarsStayTheTextWritten() throws {
        let file = try parse("""
            categories: trivia
            conversations:
            - - yes
              - No
              - 42
              - 3.10
              - true
              - 0x1F
              - 2026-11-22
              - '007'
            - - ~
              - null
            - 1e3
            """)
        #expect(file.categories == ["trivia"])
        #expect(file.conversations == [
            ["yes", "No", "42", "3.10", "true", "0x1F", "2026-11-22", "007"], ["~", "null"], ["1e3"],
        ])
    }

    /// Empty entries give no conversation, yet keep their place: the conversation after one keeps
    /// its number (and so its ids) when the empty entry is filled in later.
    @Test func emptyEntriesGiveNoConversationAndKeepTheirPlace() throws {
        #expect(try parse("conversations:\n").conversations.isEmpty)
        #expect(try parse("conversations: ~\n").conversations.isEmpty)
        let file = try parse("conversations:\n- []\n- ''\n- - ''\n- - Hi\n")
        #expect(file.conversations == [[], [], [], ["Hi"]])
        #expect(file.conversationIndices == [3])
        let filled = try parse("conversations:\n- - Hello\n- ''\n- - ''\n- - Hi\n")
        #expect(filled.conversationIndices == [0, 3])
        let generator = try ChatterbotImport(round: 0)
        #expect(try generator.conversation(3, of: file).setup.map(\.id) == generator.conversation(3, of: filled).setup.map(\.id))
        #expect(throws: ImportError("english/odd.yml has no conversation 1")) { try generator.conversation(1, of: file) }
    }

    /// A `.yaml` file in a language folder is named, not passed over.
    @Test func aYAMLFileNotEndingInYmlIsRefusedNotSkipped() throws {
        let root = try TestCorpus.make()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let corpus = ChatterbotCorpus(directory: root)
        #expect(try corpus.files(of: english).map(\.name) == ["greetings", "trivia"])
        try Data("conversations:\n- - Hi\n".utf8).write(to: URL(fileURLWithPath: corpus.dataDirectory + "/english/extra.yaml"))
        #expect(throws: ImportError(
            "\(corpus.dataDirectory)/english/extra.yaml: the corpus's files end in .yml; rename it to be imported, or move it out of the folder"
        )) { try corpus.files(of: english) }
        try FileManager.default.removeItem(atPath: corpus.dataDirectory + "/english/extra.yaml")
        try Data("conversations:\n- - Hi\n".utf8).write(to: URL(fileURLWithPath: corpus.dataDirectory + "/english/more.Yml"))
        #expect(throws: ImportError(
            "\(corpus.dataDirectory)/english/more.Yml: the corpus's files end in .yml; rename it to be imported, or move it out of the folder"
        )) { try corpus.files(of: english) }
    }

    /// Dropped, an empty line would make the bot say what the user said, and the other way round.
    @Test func anEmptyLineInsideAConversationIsAnErrorNamingTheLine() throws {
        #expect(throws: ImportError("english/odd.yml:4: an empty line inside a conversation; every line is a turn")) {
            try parse("conversations:\n- - Hello\n  - Hi\n  - ''\n  - How are you?\n")
        }
        #expect(throws: ImportError("english/odd.yml:3: an empty category in the list of categories")) {
            try parse("categories:\n- greetings\n- ''\nconversations:\n- - Hello\n")
        }
    }

    @Test func aFileThatIsNotUTF8IsNamedWithItsFirstBadByte() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("parley-corpus-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/chatterbot_corpus/data/english"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // "conversations:\n- - é" then a lone continuation byte.
        try Data(Array("conversations:\n- - é".utf8) + [0x80, 0x0A]).write(to: URL(fileURLWithPath: folder + "/bad.yml"))
        #expect(throws: ImportError("\(folder)/bad.yml: not UTF-8 text (the first invalid byte is at offset 21)")) {
            try ChatterbotCorpus(directory: root).files(of: english)
        }
    }

    /// Like a misspelt key, a missing one would import nothing without a word.
    @Test func aFileWithoutConversationsIsAnErrorNamingIt() throws {
        #expect(throws: ImportError("english/odd.yml:1: no conversations key; expected categories and conversations")) {
            try parse("categories:\n- x\n")
        }
        for empty in ["", "# only a comment\n"] {
            #expect(throws: ImportError("english/odd.yml: empty; expected a mapping with categories and conversations")) { try parse(empty) }
        }
    }

    @Test func aMappingInsideAConversationIsAnErrorNamingTheLine() throws {
        #expect(throws: ImportError("english/odd.yml:4: expected a line of text, found a mapping")) {
            try parse("conversations:\n- - Hello\n  - Hi\n  - key: value\n")
        }
        #expect(throws: ImportError("english/odd.yml:2: expected a line or a list of lines, found a mapping")) {
            try parse("conversations:\n- a: b\n")
        }
        #expect(throws: ImportError("english/odd.yml:1: conversations: expected a list")) {
            try parse("conversations: {a: b}\n")
        }
        #expect(throws: ImportError("english/odd.yml:1: expected a mapping with categories and conversations")) {
            try parse("- just\n- a list\n")
        }
    }

    @Test func invalidYAMLIsAnErrorNamingTheFileThePlaceAndTheProblem() throws {
        #expect(throws: ImportError("english/odd.yml: not valid YAML: line 3, column 1: found unexpected end of stream "
            + "(while scanning a quoted scalar in line 2, column 5)")) {
            try parse("conversations:\n- - 'unterminated\n")
        }
    }

    /// A repeated key would otherwise keep one of its values without a word.
    @Test func aRepeatedKeyIsAnErrorNamingWhereItComesAgain() throws {
        #expect(throws: ImportError("english/odd.yml: not valid YAML: line 4: the key conversations comes a second time in one mapping (first in line 2)")) {
            try parse("categories: [x]\nconversations:\n- - Hi\nconversations:\n- - Bye\n")
        }
        // Indented keys too: their column is the first's.
        #expect(throws: ImportError("english/odd.yml: not valid YAML: line 6: the key a comes a second time in one mapping (first in line 4)")) {
            try parse("categories: [x]\nconversations:\n- - Hi\n- a: 1\n  b: 2\n  a: 3\n")
        }
    }

    /// A misspelt key would leave its conversations out silently.
    @Test func anUnknownKeyIsAnErrorNamingTheLine() throws {
        #expect(throws: ImportError("english/odd.yml:2: unknown key \"conversation\"; expected categories and conversations")) {
            try parse("categories: [x]\nconversation:\n- - Hi\n")
        }
        // Quoted as a JSON string: a newline in the key cannot break the error's line.
        #expect(throws: ImportError(#"english/odd.yml:2: unknown key "a\nb\""; expected categories and conversations"#)) {
            try parse("categories: [x]\n\"a\\nb\\\"\":\n- - Hi\n")
        }
    }

    /// PostgreSQL text cannot hold U+0000: the file fails before any of its commands is appended.
    @Test func aLineWithANulCharacterIsAnErrorNamingTheLine() throws {
        #expect(throws: ImportError("english/odd.yml:3: the line contains U+0000, which PostgreSQL text cannot store")) {
            try parse("conversations:\n- - Hello\n  - \"bad\\0byte\"\n")
        }
    }
}

@Suite struct ChatterbotLanguageTests {
    @Test func folderNamesAndISOCodesInAnyCase() throws {
        let languages = try ChatterbotLanguage.parse(list: "en, spanish,DE,zh-hant,en")
        #expect(languages.map(\.folder) == ["english", "spanish", "german", "traditionalchinese"])
    }

    @Test func unknownLanguagesAreNamed() throws {
        do {
            _ = try ChatterbotLanguage.parse(list: "en,klingon")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix(#"unknown language "klingon"; known: bengali (bn), chinese (zh)"#))
        }
        #expect(throws: ImportError("--languages names no language")) { try ChatterbotLanguage.parse(list: " , ") }
    }

    @Test func theTableIsFixedAndUnambiguous() {
        let all = ChatterbotLanguage.all
        #expect(all.count == 28)
        #expect(all.map(\.number) == Array(1...28))
        #expect(Set(all.map(\.code)).count == 28)
        #expect(Set(all.map(\.folder)).count == 28)
        #expect(ChatterbotLanguage.named("english")?.number == 4)
        #expect(ChatterbotLanguage.named("es")?.number == 19)
    }
}
