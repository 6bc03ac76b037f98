import EventSourcing
import Foundation

/// The installed chatterbot corpus: `<directory>/chatterbot_corpus/data/<language folder>/*.yml`.
public struct ChatterbotCorpus: Sendable {
    /// The folder holding `chatterbot_corpus/` (what `tools/setup` fills: `.parley/corpus`).
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The folder of the language folders.
    public var dataDirectory: String { directory + "/chatterbot_corpus/data" }

    /// The languages of `all` whose folder the corpus has, in `all`'s order.
    public func installedLanguages() throws(ImportError) -> [ChatterbotLanguage] {
        let folders = try listing(dataDirectory)
        let languages = ChatterbotLanguage.all.filter { folders.contains($0.folder) }
        guard !languages.isEmpty else { throw missing }
        return languages
    }

    /// The `.yml` files of `language`, sorted by name, each parsed.
    ///
    /// A `.yaml` file is refused rather than passed over: the corpus names its files `.yml`, and
    /// one left out would import nothing without a word.
    public func files(of language: ChatterbotLanguage) throws(ImportError) -> [CorpusFile] {
        let folder = dataDirectory + "/" + language.folder
        let listed = try listing(folder)
        let misnamed = listed.filter { name in
            let lower = name.lowercased()
            return (lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")) && !name.hasSuffix(".yml")
        }
        if let other = misnamed.sorted().first {
            throw ImportError("\(folder)/\(other): the corpus's files end in .yml; rename it to be imported, or move it out of the folder")
        }
        let names = listed.filter { $0.hasSuffix(".yml") }.sorted()
        var files: [CorpusFile] = []
        for (position, file) in names.enumerated() {
            let path = folder + "/" + file
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw ImportError("cannot read \(path): \(error.localizedDescription)")
            }
            // A byte order mark (korean/science.yml has one) is not part of the YAML.
            let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
            guard let text = String(validating: body, as: UTF8.self) else {
                throw ImportError("\(path): not UTF-8 text (the first invalid byte is at offset \(data.count - body.count + UTF8Check.firstInvalidOffset(in: body)))")
            }
            files.append(try CorpusFile(yaml: text, language: language, name: String(file.dropLast(4)), position: position))
        }
        return files
    }


    private func listing(_ folder: String) throws(ImportError) -> [String] {
        switch PathStatus.contents(ofDirectory: folder) {
        case .success(let names): return names
        case .failure(.missing), .failure(.file):
            throw folder == dataDirectory ? missing : ImportError("no folder \(folder) in the corpus")
        case .failure(let status): throw ImportError("cannot read \(folder): \(status)")
        }
    }

    private var missing: ImportError {
        ImportError("no chatterbot corpus at \(dataDirectory): run tools/setup, or give --corpus DIR")
    }
}
