import EventSourcing
import Foundation
import Migue

/// Migue command JSON at chosen times, for the integration tests that project every table.
///
/// Times are seconds after `t0`; command ids derive from a counter, so the same script gives the same
/// commands, and so the same events, every time it is built.
struct MigueScript {
    static let t0 = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!
    static let minute: Int64 = 60
    static let hour: Int64 = 3600

    private(set) var lines: [String] = []
    /// The id of each command, in the order they were added.
    private(set) var commandIDs: [String] = []

    static func time(_ seconds: Int64) -> Timestamp { t0.adding(seconds: seconds) }

    /// The time as JSON text, e.g. `"2026-11-22T10:01:00.000000Z"`.
    static func json(_ seconds: Int64) -> String { "\"\(time(seconds))\"" }

    /// The time as PostgreSQL prints a `timestamptz` with the session in UTC: `2026-11-22 10:01:00+00`.
    static func postgres(_ seconds: Int64) -> String {
        let text = time(seconds).description
        precondition(text.hasSuffix(".000000Z"), "the script uses whole seconds")
        return text.prefix(19).replacingOccurrences(of: "T", with: " ") + "+00"
    }

    static func uuid(_ name: String) -> String { UUID(namespace: Migue.namespace, name: name).uuidString.lowercased() }

    static func userID(_ phone: String) -> String { Migue.userID(phoneNumber: phone).uuidString.lowercased() }

    /// Adds one command of `type` at `seconds` after `t0`; returns its id.
    @discardableResult
    mutating func add(_ type: String, at seconds: Int64, actor: String = "whatsapp", _ data: String) -> String {
        let id = Self.uuid("integration-command-\(commandIDs.count)")
        commandIDs.append(id)
        lines.append(
            #"{"id":"\#(id)","product":"migue","type":"\#(type)","at":"\#(Self.time(seconds))","actor":"\#(actor)","data":\#(data)}"#)
        return id
    }
}

extension MigueService {
    /// Handles every line of `script`; a rejection fails the test with the line.
    func submit(_ script: MigueScript) async throws {
        try await submit(script.lines)
    }
}

/// The 1536-dimensional embeddings of the story's memories, chosen so that inner products are exact.
///
/// `a` is 1/32 on the first 768 dimensions and `b` 1/32 on the other 768: both have inner product
/// 0.75 with themselves and 0 with each other, and every number here is a power of two times an
/// integer, so single-precision floats, pgvector's text and the inner products are all exact.
enum StoryEmbedding {
    static let dimensions = 1536

    /// `x * a + y * b`.
    static func mix(_ x: Float, _ y: Float) -> [Float] {
        (0..<dimensions).map { $0 < dimensions / 2 ? x / 32 : y / 32 }
    }

    /// The embedding as JSON numbers.
    static func json(_ values: [Float]) -> String {
        "[" + values.map { "\(Double($0))" }.joined(separator: ",") + "]"
    }

    /// The inner product, computed here to check pgvector's order.
    static func innerProduct(_ left: [Float], _ right: [Float]) -> Double {
        zip(left, right).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
}
