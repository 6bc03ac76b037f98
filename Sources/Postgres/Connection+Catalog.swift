/// What the server offers, read from its catalogs.
extension Connection {
    /// An extension the server can create (or has created) in the current database.
    public struct ExtensionInfo: Sendable, Equatable {
        public var name: String
        public var defaultVersion: String
        /// The version created in this database, nil when not created yet.
        public var installedVersion: String?
    }

    /// The extensions among `names` that the server has available, in the order of `names`.
    public func availableExtensions(named names: [String]) throws(PostgresError) -> [ExtensionInfo] {
        let rows = try query(
            "SELECT name, default_version, installed_version FROM pg_available_extensions WHERE name = ANY($1::text[])",
            [PostgresArray(names)]
        )
        var found: [String: ExtensionInfo] = [:]
        for row in rows {
            let info = ExtensionInfo(
                name: try row.decode("name"),
                defaultVersion: try row.decode("default_version"),
                installedVersion: try row.decodeIfPresent("installed_version")
            )
            found[info.name] = info
        }
        return names.compactMap { found[$0] }
    }
}

/// A one-dimensional array parameter of text values, e.g. for `= ANY($1::text[])`.
public struct PostgresArray: PostgresEncodable {
    public var elements: [String?]

    public init(_ elements: [String?]) { self.elements = elements }
    public init(_ elements: [String]) { self.elements = elements }

    /// The array literal: every element double-quoted with `"` and `\` escaped, NULL unquoted.
    ///
    /// Built byte by byte: a merged update's arrays hold a batch's worth of values.
    public var postgresText: String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(elements.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let element else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(UInt8(ascii: "\""))
            for byte in element.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension PostgresArray {
    /// The elements of a one-dimensional array literal (NULL as nil), or nil when `text` is not one.
    ///
    /// Reads what `postgresText` writes and PostgreSQL's unquoted elements; used to find the
    /// elements a server message may quote, so a malformed literal simply has none.
    static func elements(ofLiteral text: String) -> [String?]? {
        var bytes = text.utf8[...]
        guard bytes.popFirst() == UInt8(ascii: "{"), bytes.popLast() == UInt8(ascii: "}") else { return nil }
        var elements: [String?] = []
        if bytes.isEmpty { return elements }
        while true {
            var element: [UInt8] = []
            var quoted = false
            if bytes.first == UInt8(ascii: "\"") {
                quoted = true
                bytes.removeFirst()
                var closed = false
                while let byte = bytes.popFirst() {
                    if byte == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    element.append(byte == UInt8(ascii: "\\") ? bytes.popFirst() ?? byte : byte)
                }
                guard closed else { return nil }
            } else {
                while let byte = bytes.first, byte != UInt8(ascii: ",") {
                    guard !"{}\"\\".utf8.contains(byte) else { return nil }
                    element.append(bytes.removeFirst())
                }
                guard !element.isEmpty else { return nil }
            }
            let value = String(decoding: element, as: UTF8.self)
            elements.append(!quoted && value == "NULL" ? nil : value)
            guard let separator = bytes.popFirst() else { return elements }
            guard separator == UInt8(ascii: ","), !bytes.isEmpty else { return nil }
        }
    }
}
