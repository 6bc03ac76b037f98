import EventSourcing
import Migue
import Postgres

/// A read model fed by events: which events it reads and the SQL it writes for each.
public struct Projection: Sendable {
    /// The projection's name in `parley.projection_versions`, e.g. `migue`.
    public var name: String
    /// The number of the first version, which `parley project` registers; rebuilds number the
    /// next ones. Which projector wrote a version is its build (`ProjectorBuild`), not this.
    public var version: Int
    /// The schema the projector's SQL writes to.
    public var schema: String
    /// Events whose stream category starts with this are the projection's; others are skipped.
    public var categoryPrefix: String
    /// The tables the projector writes in its schema (`explain` names them when asked for another);
    /// empty when not declared, and then `explain` takes any table.
    public var tables: [String]
    /// The statements one event turns into; throws when the event cannot be read.
    public var statements: @Sendable (RecordedEvent) throws -> [SQLStatement]
    /// Non-unique indexes the projector's `UPDATE` and `DELETE` statements need to find their rows
    /// (or that a cascading delete needs): a bulk load keeps them instead of building them after
    /// its rows (`DeferredIndexes`).
    public var lookupIndexes: Set<String>

    public init(
        name: String, version: Int, schema: String, categoryPrefix: String, tables: [String] = [], lookupIndexes: Set<String> = [],
        statements: @escaping @Sendable (RecordedEvent) throws -> [SQLStatement]
    ) {
        self.name = name
        self.version = version
        self.schema = schema
        self.categoryPrefix = categoryPrefix
        self.tables = tables
        self.lookupIndexes = lookupIndexes
        self.statements = statements
    }

    public func reads(_ event: RecordedEvent) -> Bool { event.stream.category.hasPrefix(categoryPrefix) }
}

/// The projections Parley runs, one per product that has a projector.
public enum ProjectionCatalog {
    /// Migue's projector finds every row it updates by primary key and deletes nothing, so it
    /// needs no secondary index while it loads.
    public static let migue = Projection(name: "migue", version: 1, schema: "migue", categoryPrefix: "migue.", tables: Projector.tables) { event in
        try Projector.statements(for: event)
    }

    public static let all = [migue]

    /// The projection called `name`, or nil.
    public static func named(_ name: String) -> Projection? { all.first { $0.name == name } }
}

extension SQLValue: PostgresEncodable {
    public var postgresText: String { text ?? "" }

    public var postgresBinding: PostgresBinding {
        if case .bytes(let bytes) = self { return .binary(bytes, typeOID: 17) }
        return .text(postgresText)
    }

    /// The parameter as the connection takes it: nil for SQL NULL.
    var parameter: (any PostgresEncodable)? { self == .null ? nil : self }
}
