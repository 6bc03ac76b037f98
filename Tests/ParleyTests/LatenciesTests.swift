import Testing
@testable import parley

/// The benchmarks' percentiles are nearest-rank: of 100 samples, p99 is the 99th smallest.
@Suite struct LatenciesTests {
    private func latencies(_ milliseconds: some Sequence<Int>) -> Latencies {
        var latencies = Latencies()
        for value in milliseconds { latencies.record(.milliseconds(value)) }
        return latencies
    }

    @Test func percentilesAreNearestRank() {
        let hundred = latencies((1...100).reversed())
        #expect(hundred.percentile(0.5) == .milliseconds(50))
        #expect(hundred.percentile(0.99) == .milliseconds(99))
        #expect(hundred.percentile(1) == .milliseconds(100))
        let two = latencies([4, 2])
        #expect(two.percentile(0.5) == .milliseconds(2))
        #expect(two.percentile(0.99) == .milliseconds(4))
        #expect(two.percentile(0) == .milliseconds(2))
        #expect(latencies([]).percentile(0.5) == .zero)
    }
}

/// `bench submit`'s bulk latencies run from each command's handling to the sync that confirmed it.
@Suite struct ConfirmationLatenciesTests {
    @Test func eachCommandIsTimedUntilItsOwnGroupIsConfirmed() {
        let zero = ContinuousClock.now
        func at(_ milliseconds: Int) -> ContinuousClock.Instant { zero + .milliseconds(milliseconds) }
        var clock = ConfirmationLatencies()
        // Given two groups of two handled at 0, 1, 10 and 11 ms,
        for handled in [0, 1, 10, 11] { clock.handling(at: at(handled)) }
        // when the first group is confirmed at 20 ms and the second at 35 ms,
        clock.confirmed(2, at: at(20))
        clock.handling(at: at(30))
        clock.confirmed(2, at: at(35))
        clock.confirmed(1, at: at(40))
        // then each latency ends at its own group's confirmation.
        #expect(clock.latencies.samples == [20, 19, 25, 24, 10].map { Duration.milliseconds($0) })
    }
}
