import Foundation

/// Writes one JSON object per line to standard output, keys sorted, so scripts can diff runs.
///
/// Keys are snake_case in every command's output (`bytes_on_disk`, `event_type`); a value that
/// carries JSON of its own (an aggregate's state) keeps that JSON's keys as they are.
enum JSONLines {
    static func print(_ value: some Encodable, keepingKeys: Bool = false) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if !keepingKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        guard let data = try? encoder.encode(value) else {
            FileHandle.standardError.write(Data("could not encode \(type(of: value)) as JSON\n".utf8))
            return
        }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
