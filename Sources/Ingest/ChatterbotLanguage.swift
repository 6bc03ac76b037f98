import Foundation

/// One language of the chatterbot corpus: its folder, its ISO 639 code and its number.
///
/// The number (1 to 28) is the language's place in `all`, which is fixed: it is part of every phone
/// number the import derives, so it must not change when languages are added (append new ones).
public struct ChatterbotLanguage: Hashable, Sendable, CustomStringConvertible {
    /// The corpus folder, e.g. `spanish`.
    public var folder: String
    /// The ISO 639-1 code (with a script or region where two folders share a language), e.g. `es`.
    public var code: String
    /// The language's two-digit number in derived phone numbers.
    public var number: Int

    public var description: String { folder }

    /// Every language of chatterbot-corpus 1.3.3, numbered in this order from 1.
    public static let all: [ChatterbotLanguage] = [
        ("bengali", "bn"), ("chinese", "zh"), ("dutch", "nl"), ("english", "en"), ("french", "fr"),
        ("german", "de"), ("hebrew", "he"), ("hindi", "hi"), ("hinglish", "hi-latn"), ("indonesian", "id"),
        ("italian", "it"), ("japanese", "ja"), ("korean", "ko"), ("marathi", "mr"), ("oriya", "or"),
        ("persian", "fa"), ("portuguese", "pt"), ("russian", "ru"), ("spanish", "es"), ("swedish", "sv"),
        ("tamil", "ta"), ("telugu", "te"), ("thai", "th"), ("traditionalchinese", "zh-hant"), ("turkish", "tr"),
        ("ukrainian", "uk"), ("urdu", "ur"), ("yoruba", "yo"),
    ].enumerated().map { index, pair in ChatterbotLanguage(folder: pair.0, code: pair.1, number: index + 1) }

    /// Other spellings users type for a language.
    private static let aliases = ["zh-tw": "traditionalchinese", "zh-cn": "chinese", "iw": "hebrew", "in": "indonesian"]

    /// The language called `name`: a folder name or an ISO code, any case.
    public static func named(_ name: String) -> ChatterbotLanguage? {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        let folder = aliases[key] ?? key
        return all.first { $0.folder == folder || $0.code == folder }
    }

    /// The languages a comma-separated list names, in the list's order, each once.
    public static func parse(list: String) throws(ImportError) -> [ChatterbotLanguage] {
        var languages: [ChatterbotLanguage] = []
        for name in list.split(separator: ",").map(String.init) where !name.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let language = named(name) else {
                let known = all.map { "\($0.folder) (\($0.code))" }.joined(separator: ", ")
                throw ImportError("unknown language \"\(name)\"; known: \(known)")
            }
            if !languages.contains(language) { languages.append(language) }
        }
        guard !languages.isEmpty else { throw ImportError("--languages names no language") }
        return languages
    }
}

/// Why an import could not run: a missing corpus, a malformed file, an unknown language.
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
