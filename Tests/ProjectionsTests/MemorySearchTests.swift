import Foundation
import Postgres
import TestSupport
import Testing

/// The semantic search over `user_memory` (Fixtures/migue/02_memory_search.sql) on the rows the
/// projection runner wrote: nearest memories first by inner product, through the hnsw index.
@Suite struct MemorySearchTests {
    typealias Story = MigueStory

    /// Runs `body` on the projected database with migue first on the search path and sequential scans
    /// off, so the planner takes the hnsw index whenever it can; rolls back.
    func withIndexOnly<T>(_ body: (Connection) throws -> T) async throws -> T {
        let connection = try await ProjectedStory.connect()
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("ROLLBACK") }
        try connection.execute("SET LOCAL search_path TO migue, public")
        try connection.execute("SET LOCAL enable_seqscan = off")
        return try body(connection)
    }

    /// The memories of `user` nearest `query`, as (content, similarity).
    func search(_ connection: Connection, _ query: [Float], user: String, limit: Int) throws -> [(String, Double)] {
        let sql = try TestServer.fixture("migue", "02_memory_search.sql")
        return try connection.query(sql, [PostgresVector(query), user, limit]).map {
            (try $0.decode("content", as: String.self), try $0.decode("similarity", as: Double.self))
        }
    }

    /// The story's memories of `user` with an embedding, nearest first, computed here.
    func expected(_ query: [Float], user: String, limit: Int) -> [(String, Double)] {
        Story.memories.filter { $0.user == user }.compactMap { memory in
            memory.embedding.map { (memory.content, StoryEmbedding.innerProduct($0, query)) }
        }.sorted { $0.1 > $1.1 }.prefix(limit).map { $0 }
    }

    @Test func theSearchGoesThroughTheHNSWIndex() async throws {
        try await withIndexOnly { connection in
            let sql = try TestServer.fixture("migue", "02_memory_search.sql")
            let plan = try connection.query("EXPLAIN " + sql, [PostgresVector(StoryEmbedding.mix(1, 0)), Story.ana, 3])
                .compactMap { $0.values.first ?? nil }.joined(separator: "\n")
            #expect(plan.contains("Index Scan using user_memory_embedding_idx"), "\(plan)")
        }
    }

    @Test(arguments: [
        // Along a: the home (0.75), then mornings (half a, 0.375), then the price (all b, 0).
        ([Float(1), 0], ["Vive en Chapinero, Bogotá", "Prefiere citas por la mañana", "Preguntó por el precio del corte"],
         [0.75, 0.375, 0]),
        // b minus a: the dog (1.125), the price (0.75), mornings (0); the home (-0.75) is left out by the limit.
        ([Float(-1), 1], ["Tiene un perro llamado Toby", "Preguntó por el precio del corte", "Prefiere citas por la mañana"],
         [1.125, 0.75, 0]),
    ])
    func anasNearestMemoriesInOrder(direction: [Float], contents: [String], similarities: [Double]) async throws {
        let query = StoryEmbedding.mix(direction[0], direction[1])
        let found = try await withIndexOnly { try search($0, query, user: Story.ana, limit: 3) }
        #expect(found.map(\.0) == contents)
        #expect(found.map(\.1) == similarities)
        let computed = expected(query, user: Story.ana, limit: 3)
        #expect(found.map(\.0) == computed.map(\.0))
        #expect(found.map(\.1) == computed.map(\.1))
    }

    /// Another user's memories never show up, though Bob's is nearer Ana's query than most of hers.
    @Test func theSearchKeepsToTheUser() async throws {
        let found = try await withIndexOnly { try search($0, StoryEmbedding.mix(1, 0), user: Story.bob, limit: 3) }
        #expect(found.map(\.0) == ["Works in San Francisco"])
        #expect(found.map(\.1) == [0.5625])
    }
}
