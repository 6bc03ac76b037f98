import Foundation

/// Writes one JSON object per line to standard output, keys sorted, so scripts can diff runs.
enum JSONLines {
    static func print(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            FileHandle.standardError.write(Data("could not encode \(type(of: value)) as JSON\n".utf8))
            return
        }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
