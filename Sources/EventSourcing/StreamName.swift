/// The name of one stream: a category and an id, written `category-id` (e.g. `reminder-7f3e...`).
///
/// The category groups every stream of one aggregate type so they can be read together. The first
/// `-` separates the two, so a category never contains one; an id may.
///
/// A name is its UTF-8 bytes: two names are the same stream only when their bytes are equal, as the
/// log stores them and an independent reader compares them (Swift's `String` equality would make
/// an NFC and an NFD spelling of one name the same stream). A name hashes its bytes once, when
/// made: the log index and the state cache look names up many times per command, and each lookup
/// then costs a compare instead of hashing two strings.
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
        var category = category, id = id
        category.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(UInt8(ascii: "-"))
        id.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        digest = hasher.finalize()
    }

    /// Parses `category-id`; nil when there is no `-` or either part is empty.
    public init?(_ text: String) {
        guard let dash = text.utf8.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        self.init(category: String(text[..<dash]), id: String(text[text.utf8.index(after: dash)...]))
    }

    public var description: String { "\(category)-\(id)" }

    public static func == (lhs: StreamName, rhs: StreamName) -> Bool {
        lhs.digest == rhs.digest && sameBytes(lhs.id, rhs.id) && sameBytes(lhs.category, rhs.category)
    }

    /// Whether two strings hold the same UTF-8 bytes; compared in place when both are contiguous
    /// (native and small strings are), not through the `UTF8View` iterator.
    static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        let inPlace = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in left.elementsEqual(right) }
        }
        return (inPlace ?? nil) ?? lhs.utf8.elementsEqual(rhs.utf8)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    /// By the bytes of `category-id`, so that names equal by bytes, and only they, sort together.
    public static func < (lhs: StreamName, rhs: StreamName) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }
}
