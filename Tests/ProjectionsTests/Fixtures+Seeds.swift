import Foundation
import TestSupport

extension TestServer {
    /// The seed example queries copied into `Fixtures/<schema>/`.
    static func fixture(_ schema: String, _ name: String) throws -> String {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/\(schema)/\(name)"
        return try String(contentsOfFile: path, encoding: .utf8)
    }
}
