import Foundation

/// Latencies of repeated operations, and rates.
struct Latencies {
    private(set) var samples: [Duration] = []

    mutating func record(_ duration: Duration) { samples.append(duration) }
    mutating func append(contentsOf other: Latencies) { samples += other.samples }

    /// The nearest-rank percentile: the smallest sample that `fraction` of the samples do not
    /// exceed (of 100 samples, p99 is the 99th, p50 the 50th); zero when there are none.
    func percentile(_ fraction: Double) -> Duration {
        guard !samples.isEmpty else { return .zero }
        let sorted = samples.sorted()
        let rank = Int((Double(sorted.count) * fraction).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}

/// Each command's latency from its handling to the sync that confirmed it, when confirmations
/// come back in handling order and later than the handling (a group after the next one closes).
struct ConfirmationLatencies {
    private var started: [ContinuousClock.Instant] = []
    private var confirmedCount = 0
    private(set) var latencies = Latencies()

    /// A command is handled now.
    mutating func handling(at instant: ContinuousClock.Instant = .now) { started.append(instant) }

    /// The oldest `count` commands not yet confirmed are confirmed now.
    mutating func confirmed(_ count: Int, at instant: ContinuousClock.Instant = .now) {
        precondition(count <= started.count - confirmedCount, "more confirmations than commands handled")
        for start in started[confirmedCount..<confirmedCount + count] { latencies.record(instant - start) }
        confirmedCount += count
        if confirmedCount * 2 >= started.count {
            started.removeFirst(confirmedCount)
            confirmedCount = 0
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}

/// Times `body`.
func measure<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let value = try body()
    return (value, ContinuousClock.now - start)
}

func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let value = try await body()
    return (value, ContinuousClock.now - start)
}

/// Formats a rate with thousands separators, e.g. `1,234,567`.
func grouped(_ value: Double) -> String {
    let digits = String(Int(value.rounded()))
    var result = ""
    for (index, character) in digits.reversed().enumerated() {
        if index > 0 && index % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return String(result.reversed())
}

/// Prints progress lines on standard error when it is a terminal, and never with `--json`.
struct BenchProgress {
    let enabled: Bool

    init(json: Bool) { enabled = !json && isatty(STDERR_FILENO) == 1 }

    func step(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("… \(text)\n".utf8))
    }
}
