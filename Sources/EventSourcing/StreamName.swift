/// The name of one stream: a category and an id, written `category-id` (e.g. `reminder-7f3e...`).
///
/// The category groups every stream of one aggregate type so they can be read together. The first
/// `-` separates the two, so a category never contains one; an id may.
///
/// A name hashes its text once, when made: the log index and the state cache look names up many
/// times per command, and each lookup then costs a compare instead of hashing two strings.
public struct StreamName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let category: String
    public let id: String
    /// The hash of both parts, with this process's seed, as `Hasher` gives it.
    private let digest: Int

    /// A stream name from its two parts; nil when the category is empty or contains `-`.
    public init?(category: String, id: String) {
        guard !category.isEmpty, !category.utf8.contains(UInt8(ascii: "-")), !id.isEmpty else { return nil }
        self.category = category
        self.id = id
        var hasher = Hasher()
        hasher.combine(category)
        hasher.combine(id)
        digest = hasher.finalize()
    }

    /// Parses `category-id`; nil when there is no `-` or either part is empty.
    public init?(_ text: String) {
        guard let dash = text.utf8.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        self.init(category: String(text[..<dash]), id: String(text[text.utf8.index(after: dash)...]))
    }

    public var description: String { "\(category)-\(id)" }

    public static func == (lhs: StreamName, rhs: StreamName) -> Bool {
        lhs.digest == rhs.digest && lhs.id == rhs.id && lhs.category == rhs.category
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    public static func < (lhs: StreamName, rhs: StreamName) -> Bool { lhs.description < rhs.description }
}
