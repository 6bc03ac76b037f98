import EventSourcing
import Foundation
import Testing
@testable import Migue

/// Memories with embeddings, and the AI cost ledger.
@Suite struct MemoryUsageTests {
    typealias F = Fixture
    static let memory = F.id("memory")
    static let usage = F.id("usage")
    static let embedding = (0..<Memory.dimensions).map { Double($0 % 7) / 8 - 0.25 }

    static func remember(relevance: Double = 0.5, embedding: [Double]? = embedding) -> Memory.Record {
        Memory.Record(
            memoryID: memory, userID: F.userID, kind: .preference, content: "Prefiere citas en la mañana", category: "agenda",
            relevance: relevance, embedding: embedding, at: F.t0)
    }

    static func remembered(_ record: Memory.Record) -> Memory.Event {
        .recorded(Memory.Recorded(
            memoryID: record.memoryID, userID: record.userID, kind: record.kind, content: record.content,
            category: record.category, relevance: record.relevance, embedding: record.embedding?.map { Float($0) },
            createdAt: record.at))
    }

    @Test(arguments: Memory.Kind.allCases, [0, 0.5, 1] as [Double])
    func recordsEveryKindWithARelevanceInRange(kind: Memory.Kind, relevance: Double) {
        var record = Self.remember(relevance: relevance)
        record.kind = kind
        given(Memory.self).when(.record(record)).then([Self.remembered(record)])
    }

    @Test func anEmbeddingIsOptional() {
        let record = Self.remember(embedding: nil)
        given(Memory.self).when(.record(record)).then([Self.remembered(record)])
    }

    @Test(arguments: [-0.01, 1.01, .nan, .infinity])
    func aRelevanceOutsideZeroToOneIsRefused(relevance: Double) {
        let outcome = Result { () throws(Memory.Rejection) in try Memory.decide(.record(Self.remember(relevance: relevance)), Memory.initial) }
        guard case .failure(.relevanceOutOfRange(let id, let value)) = outcome else {
            Issue.record("relevance \(relevance) gave \(outcome)")
            return
        }
        #expect(id == Self.memory && (value == relevance || (value.isNaN && relevance.isNaN)))
    }

    @Test(arguments: [0, 1535, 1537, 3072])
    func anEmbeddingHasExactly1536Numbers(count: Int) {
        given(Memory.self).when(.record(Self.remember(embedding: Array(repeating: 0.1, count: count))))
            .thenRejects(.wrongDimensions(Self.memory, count: count))
    }

    @Test(arguments: [1e39, -1e39, Double.greatestFiniteMagnitude])
    func aNumberBeyondSinglePrecisionIsRefused(value: Double) {
        var numbers = Self.embedding
        numbers[42] = value
        given(Memory.self).when(.record(Self.remember(embedding: numbers)))
            .thenRejects(.notAFiniteFloat(Self.memory, index: 42, value))
    }

    @Test func aMemoryIsRecordedOnce() {
        let record = Self.remember()
        given(Memory.self, Self.remembered(record)).when(.record(record)).thenRejects(.alreadyRecorded(Self.memory))
    }

    @Test func theVectorTextIsPgvectorsAndSurvivesTheEvent() throws {
        #expect(Memory.vectorText([0.1, -2.5, 1e-5, 0]) == "[0.1,-2.5,1e-05,0.0]")
        let floats: [Float] = (0..<Memory.dimensions).map { (index: Int) -> Float in
            let magnitude = Float(bitPattern: UInt32(0x3000_0000 + index * 104_729))
            return index % 2 == 0 ? magnitude : -magnitude
        }
        let event = Memory.Event.recorded(Memory.Recorded(
            memoryID: Self.memory, userID: F.userID, kind: .fact, content: "c", category: nil, relevance: 0.5,
            embedding: floats, createdAt: F.t0))
        #expect(try Memory.Event(type: event.type, version: 1, payload: event.payload) == event)
        #expect(Memory.vectorText(floats).dropFirst().dropLast().split(separator: ",").map { Float(String($0))! } == floats)
    }

    static func spend(_ cost: Double, input: Int32? = 1200, output: Int32? = 300) -> AIUsage.Record {
        AIUsage.Record(
            usageID: usage, provider: .claude, task: .chat, model: "claude-haiku", tokensInput: input, tokensOutput: output,
            costUSD: DecimalText(cost)!, userID: F.userID, conversationID: F.id("c"), metadata: ["cached": true], at: F.t0)
    }

    static func spent(_ record: AIUsage.Record) -> AIUsage.Event {
        .recorded(AIUsage.Recorded(
            usageID: record.usageID, provider: record.provider, task: record.task, model: record.model,
            tokensInput: record.tokensInput, tokensOutput: record.tokensOutput, costUSD: record.costUSD, userID: record.userID,
            conversationID: record.conversationID, metadata: record.metadata, createdAt: record.at))
    }

    @Test(arguments: AIUsage.Provider.allCases, AIUsage.TaskType.allCases)
    func recordsEveryProviderAndTask(provider: AIUsage.Provider, task: AIUsage.TaskType) {
        var record = Self.spend(0.00042)
        record.provider = provider
        record.task = task
        given(AIUsage.self).when(.record(record)).then([Self.spent(record)])
    }

    @Test(arguments: [0, 0.00000001, 9999.99999999])
    func aCostFromZeroToTheColumnsLimitIsKept(cost: Double) {
        let record = Self.spend(cost, input: 0, output: nil)
        given(AIUsage.self).when(.record(record)).then([Self.spent(record)])
    }

    @Test func aNegativeCostIsRefused() {
        given(AIUsage.self).when(.record(Self.spend(-0.01))).thenRejects(.negativeCost(Self.usage, DecimalText(-0.01)!))
    }

    @Test(arguments: [10000, 0.000000001, 0.1 + 0.2])
    func aCostTheColumnCannotHoldExactlyIsRefused(cost: Double) {
        given(AIUsage.self).when(.record(Self.spend(cost))).thenRejects(.costDoesNotFit(Self.usage, DecimalText(cost)!))
    }

    @Test func tokensAreNotNegative() {
        given(AIUsage.self).when(.record(Self.spend(0.1, input: -1)))
            .thenRejects(.negativeTokens(Self.usage, field: "tokens_input", -1))
        given(AIUsage.self).when(.record(Self.spend(0.1, output: -5)))
            .thenRejects(.negativeTokens(Self.usage, field: "tokens_output", -5))
    }

    @Test func aUsageIsRecordedOnce() {
        let record = Self.spend(0.1)
        given(AIUsage.self, Self.spent(record)).when(.record(record)).thenRejects(.alreadyRecorded(Self.usage))
    }
}
