/// The name of one stream: a category and an id, written `category-id` (e.g. `reminder-7f3e...`).
///
/// The category groups every stream of one aggregate type so they can be read together. The first
/// `-` separates the two, so a category never contains one; an id may.
public struct StreamName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let category: String
    public let id: String

    /// A stream name from its two parts; nil when the category is empty or contains `-`.
    public init?(category: String, id: String) {
        guard !category.isEmpty, !category.utf8.contains(UInt8(ascii: "-")), !id.isEmpty else { return nil }
        self.category = category
        self.id = id
    }

    /// Parses `category-id`; nil when there is no `-` or either part is empty.
    public init?(_ text: String) {
        guard let dash = text.utf8.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let category = String(text[..<dash])
        let id = String(text[text.utf8.index(after: dash)...])
        guard !category.isEmpty, !id.isEmpty else { return nil }
        self.category = category
        self.id = id
    }

    public var description: String { "\(category)-\(id)" }

    public static func < (lhs: StreamName, rhs: StreamName) -> Bool { lhs.description < rhs.description }
}
