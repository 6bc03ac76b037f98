import EventSourcing
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
            // A figure that is not a finite number: scripts must not take the missing line for success.
            FileHandle.standardError.write(Data("Error: could not encode \(type(of: value)) as JSON (a figure is not a finite number)\n".utf8))
            exit(1)
        }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
