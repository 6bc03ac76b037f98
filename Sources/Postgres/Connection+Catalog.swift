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
