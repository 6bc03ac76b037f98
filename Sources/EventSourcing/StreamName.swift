/// The name of one stream: a category and an id, written `category-id` (e.g. `reminder-7f3e...`).
///
/// The category groups every stream of one aggregate type so they can be read together. The first
/// `-` separates the two, so a category never contains one; an id may.
public struct StreamName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let category: String
    public let id: String

    /// A stream name from its two parts; nil when the category is empty or contains `-`.
    public init?(category: String, id: String) {
        guard !category.isEmpty, !category.contains("-"), !id.isEmpty else { return nil }
        self.category = category
        self.id = id
    }

    /// Parses `category-id`; nil when there is no `-` or either part is empty.
    public init?(_ text: String) {
        guard let dash = text.firstIndex(of: "-") else { return nil }
        self.init(category: String(text[..<dash]), id: String(text[text.index(after: dash)...]))
    }

    public var description: String { "\(category)-\(id)" }

    public static func < (lhs: StreamName, rhs: StreamName) -> Bool { lhs.description < rhs.description }
}
