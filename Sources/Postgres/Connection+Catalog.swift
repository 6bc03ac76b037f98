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
    public var postgresText: String {
        let items = elements.map { element -> String in
            guard let element else { return "NULL" }
            var quoted = "\""
            for character in element {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return quoted + "\""
        }
        return "{" + items.joined(separator: ",") + "}"
    }
}
