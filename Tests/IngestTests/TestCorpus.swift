import Foundation
import Ingest

/// A small corpus in a temporary folder, shaped like chatterbot-corpus, and the installed one.
enum TestCorpus {
    /// Twelve English conversations over two files (plain-string entries and odd scalars among
    /// them) and three Spanish ones.
    static let files: [String: String] = [
        "english/greetings.yml": """
            categories:
            - greetings
            conversations:
            - - Hello
              - Hi
            - - How are you?
              - Fine.
              - And you?
              - Good.
            - Who are you? - A bot.
            - - yes
              - 42
            - - Good night
              - Sleep well
            - - Hi
              - Hello
            """,
        "english/trivia.yml": """
            categories: trivia
            conversations:
            - - What is 6 x 7?
              - 42
            - - true
              - false
            - Name a colour. - Red.
            - - Capital of France?
              - Paris
            - - One
              - Two
              - Three
            - - Last one
              - Bye
            """,
        "spanish/saludos.yml": """
            categories:
            - saludos
            conversations:
            - - Hola
              - ¿Qué tal?
            - - Buenos días
              - Buenos días, ¿cómo estás?
            - Adiós - Hasta luego.
            """,
    ]

    /// Writes the corpus under a new temporary folder and returns that folder.
    static func make() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("parley-corpus-\(UUID())").path
        for (path, text) in files {
            let url = URL(fileURLWithPath: root + "/chatterbot_corpus/data/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    /// The corpus `tools/setup` installs in the repository's `.parley/corpus`.
    /// Where `tools/setup` installed the corpus: `PARLEY_CORPUS` (which `tools/test` sets from
    /// `PARLEY_HOME`), else the checkout's `.parley/corpus`.
    static let installed = ProcessInfo.processInfo.environment["PARLEY_CORPUS"].flatMap { $0.isEmpty ? nil : $0 }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".parley/corpus").path

    /// Whether the suites over the installed corpus run: always under `tools/test` (which sets
    /// `PARLEY_CORPUS`), so a missing corpus fails them there; elsewhere when it is installed.
    static var runsInstalledSuites: Bool {
        ProcessInfo.processInfo.environment["PARLEY_CORPUS"] != nil
            || FileManager.default.fileExists(atPath: installed + "/chatterbot_corpus/data/english/greetings.yml")
    }
}
