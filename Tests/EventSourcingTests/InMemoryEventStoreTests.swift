import Foundation
import Testing

@testable import EventSourcing

@Suite struct InMemoryEventStoreTests {
    static let at = Timestamp(microsecondsSinceEpoch: 1_700_000_000_000_000)
    static let orders = StreamName(category: "order", id: "1")!
    static let otherOrders = StreamName(category: "order", id: "2")!
    static let invoices = StreamName(category: "invoice", id: "1")!

    static func event(_ number: Int) -> ProposedEvent {
        ProposedEvent(
            id: UUID(namespace: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)), name: "e\(number)"),
            type: "test.happened", recordedAt: at, metadata: EventMetadata(actor: "tester"), payload: Array("\(number)".utf8))
    }

    @Test func positionsStartAtZeroWithoutGapsAcrossStreams() async throws {
        let store: any EventStore = InMemoryEventStore()
        let first = try await store.append([Self.event(1), Self.event(2)], to: Self.orders, expected: .noStream, durability: .durable)
        let second = try await store.append([Self.event(3)], to: Self.invoices, expected: .any, durability: .durable)
        let third = try await store.append([Self.event(4)], to: Self.orders, expected: .exact(1), durability: .durable)
        #expect(first == .appended(AppendedBatch(first: 0, last: 1, firstVersion: 0, lastVersion: 1)))
        #expect(second == .appended(AppendedBatch(first: 2, last: 2, firstVersion: 0, lastVersion: 0)))
        #expect(third == .appended(AppendedBatch(first: 3, last: 3, firstVersion: 2, lastVersion: 2)))
        #expect(try await store.head() == 4)
        #expect(try await store.readAll(from: .start, limit: 10).map(\.position) == [0, 1, 2, 3])
        #expect(try await store.version(of: Self.orders) == 2)
        #expect(try await store.version(of: Self.otherOrders) == nil)
        #expect(try await store.position(of: Self.event(3).id) == 2)
        #expect(try await store.position(of: Self.event(9).id) == nil)
    }

    @Test(arguments: [
        (ExpectedVersion.noStream, StreamVersion?.some(0)),
        (.exact(5), .some(0)),
        (.exact(0), .none),
    ])
    func aMismatchedExpectationIsAConflictAndWritesNothing(expected: ExpectedVersion, actual: StreamVersion?) async throws {
        let store: any EventStore = InMemoryEventStore()
        if actual != nil {
            _ = try await store.append([Self.event(1)], to: Self.orders, expected: .any, durability: .durable)
        }
        let head = try await store.head()
        let result = try await store.append([Self.event(2)], to: Self.orders, expected: expected, durability: .durable)
        #expect(result == .conflict(expected: expected, actual: actual))
        #expect(try await store.head() == head)
    }

    @Test func streamExistsNeedsAnEvent() async throws {
        let store: any EventStore = InMemoryEventStore()
        #expect(try await store.append([Self.event(1)], to: Self.orders, expected: .streamExists, durability: .durable)
            == .conflict(expected: .streamExists, actual: nil))
    }

    @Test func aRetriedBatchIsADuplicateWithTheOriginalPlacesEvenWithAStaleExpectation() async throws {
        let store: any EventStore = InMemoryEventStore()
        _ = try await store.append([Self.event(0)], to: Self.invoices, expected: .any, durability: .durable)
        let batch = [Self.event(1), Self.event(2)]
        let original = try await store.append(batch, to: Self.orders, expected: .noStream, durability: .durable)
        _ = try await store.append([Self.event(3)], to: Self.orders, expected: .any, durability: .durable)
        let retry = try await store.append(batch, to: Self.orders, expected: .noStream, durability: .durable)
        #expect(original == .appended(AppendedBatch(first: 1, last: 2, firstVersion: 0, lastVersion: 1)))
        #expect(retry == .duplicate(AppendedBatch(first: 1, last: 2, firstVersion: 0, lastVersion: 1)))
        #expect(try await store.head() == 4)
    }

    @Test func partlyStoredOrMovedBatchesAreRefused() async throws {
        let store: any EventStore = InMemoryEventStore()
        _ = try await store.append([Self.event(1), Self.event(2)], to: Self.orders, expected: .any, durability: .durable)
        let partly = try await store.append([Self.event(2), Self.event(3)], to: Self.orders, expected: .any, durability: .durable)
        let otherStream = try await store.append([Self.event(1), Self.event(2)], to: Self.otherOrders, expected: .any, durability: .durable)
        let otherOrder = try await store.append([Self.event(2), Self.event(1)], to: Self.orders, expected: .any, durability: .durable)
        #expect(partly == .idsAlreadyStored([Self.event(2).id]))
        #expect(otherStream == .idsAlreadyStored([Self.event(1).id, Self.event(2).id]))
        #expect(otherOrder == .idsAlreadyStored([Self.event(2).id, Self.event(1).id]))
        #expect(try await store.head() == 2)
    }

    @Test func emptyBatchesAndRepeatedIDsAreErrors() async throws {
        let store: any EventStore = InMemoryEventStore()
        await #expect(throws: InMemoryEventStore.AppendError.emptyBatch(Self.orders)) {
            try await store.append([], to: Self.orders, expected: .any, durability: .durable)
        }
        await #expect(throws: InMemoryEventStore.AppendError.repeatedIDInBatch(Self.event(1).id)) {
            try await store.append([Self.event(1), Self.event(1)], to: Self.orders, expected: .any, durability: .durable)
        }
        #expect(try await store.head() == 0)
    }

    @Test func readsStreamsForwardsBackwardsAndByCategory() async throws {
        let store: any EventStore = InMemoryEventStore()
        _ = try await store.append([Self.event(1), Self.event(2)], to: Self.orders, expected: .any, durability: .durable)
        _ = try await store.append([Self.event(3)], to: Self.invoices, expected: .any, durability: .durable)
        _ = try await store.append([Self.event(4)], to: Self.otherOrders, expected: .any, durability: .durable)
        _ = try await store.append([Self.event(5)], to: Self.orders, expected: .any, durability: .durable)

        #expect(try await store.read(stream: Self.orders, from: 1, direction: .forwards, limit: 10).map(\.position) == [1, 4])
        #expect(try await store.read(stream: Self.orders, from: 0, direction: .forwards, limit: 1).map(\.version) == [0])
        #expect(try await store.read(stream: Self.orders, from: 9, direction: .backwards, limit: 2).map(\.version) == [2, 1])
        #expect(try await store.read(stream: Self.orders, from: 3, direction: .forwards, limit: 10).isEmpty)
        #expect(try await store.readCategory("order", from: 1, limit: 10).map(\.position) == [1, 3, 4])
        #expect(try await store.readCategory("order", from: 0, limit: 2).map(\.position) == [0, 1])
        #expect(try await store.readAll(from: 3, limit: 10).map(\.id) == [Self.event(4).id, Self.event(5).id])
        #expect(try await store.readAll(from: 0, limit: 0).isEmpty)
    }

    @Test func concurrentAppendsWithTheSameExpectationLetExactlyOneIn() async throws {
        let store: any EventStore = InMemoryEventStore()
        let results = await withTaskGroup(of: AppendResult?.self) { group in
            for number in 0..<20 {
                group.addTask {
                    try? await store.append([Self.event(number)], to: Self.orders, expected: .noStream, durability: .durable)
                }
            }
            return await group.reduce(into: [AppendResult?]()) { $0.append($1) }
        }
        #expect(results.filter { if case .appended = $0 { true } else { false } }.count == 1)
        #expect(results.filter { $0 == .conflict(expected: .noStream, actual: 0) }.count == 19)
    }

    /// A subscriber past the head waits and is woken by the appends that reach it; a waiting one ends with `CancellationError` when cancelled, and leaves no waiter behind.
    @Test func aSubscriberWaitsForItsPositionAndEndsWhenCancelled() async throws {
        let store = InMemoryEventStore()
        _ = try await store.append([Self.event(1)], to: Self.orders, expected: .any, durability: .durable)
        let reader = Task {
            var seen: [LogPosition] = []
            for try await event in store.subscribe(category: "order", from: 2) {
                seen.append(event.position)
                if seen.count == 2 { break }
            }
            return seen
        }
        while await store.waitingCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        _ = try await store.append([Self.event(2)], to: Self.invoices, expected: .any, durability: .durable)
        _ = try await store.append([Self.event(3), Self.event(4)], to: Self.otherOrders, expected: .any, durability: .durable)
        #expect(try await reader.value == [2, 3])

        let waiting = Task { for try await _ in store.subscribe() where false {} }
        while await store.waitingCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(await store.waitingCount == 0)
    }
}
