import Foundation

/// The rate and latencies of one `parley bench submit` case.
struct SubmitFigures: Encodable {
    var rate: Double
    var seconds: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double

    init(rate: Double, seconds: Double, latencies: Latencies) {
        self.rate = rate
        self.seconds = seconds
        p50Milliseconds = latencies.percentile(0.5).milliseconds
        p99Milliseconds = latencies.percentile(0.99).milliseconds
    }

    enum CodingKeys: String, CodingKey {
        case rate = "commands_per_s", seconds
        case p50Milliseconds = "p50_ms", p99Milliseconds = "p99_ms"
    }
}

/// Every figure of `parley bench submit`, with the target (50,000 commands/s in bulk).
struct SubmitBenchReport: Encodable {
    static let target = 50_000.0

    var commands: Int
    var setupCommands: Int
    var conversations: Int
    var rounds: Int
    var submitters: Int
    var bufferedSubmitters: Int
    var syncEvery: Int
    var setupPerSecond = 0.0
    var bulk: SubmitFigures?
    var bulkCold: SubmitFigures?
    var buffered: SubmitFigures?
    var durable: SubmitFigures?

    enum CodingKeys: String, CodingKey {
        case commands = "message_commands", setupCommands = "setup_commands", conversations, rounds = "corpus_copies"
        case submitters = "durable_submitters", setupPerSecond = "setup_commands_per_s"
        case bufferedSubmitters = "buffered_submitters", syncEvery = "bulk_sync_every", bulk = "bulk_1_submitter_sync_per_group"
        case bulkCold = "bulk_cold_state_cache"
        case buffered = "buffered_concurrent_submitters_one_sync", durable = "durable_concurrent_submitters"
        case target = "target_commands_per_s"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(commands, forKey: .commands)
        try container.encode(setupCommands, forKey: .setupCommands)
        try container.encode(conversations, forKey: .conversations)
        try container.encode(rounds, forKey: .rounds)
        try container.encode(submitters, forKey: .submitters)
        try container.encode(bufferedSubmitters, forKey: .bufferedSubmitters)
        try container.encode(syncEvery, forKey: .syncEvery)
        try container.encode(setupPerSecond, forKey: .setupPerSecond)
        try container.encodeIfPresent(bulk, forKey: .bulk)
        try container.encodeIfPresent(bulkCold, forKey: .bulkCold)
        try container.encodeIfPresent(buffered, forKey: .buffered)
        try container.encodeIfPresent(durable, forKey: .durable)
        try container.encode(Self.target, forKey: .target)
    }

    func print(json: Bool) {
        if json {
            JSONLines.print(self)
            return
        }
        func row(_ name: String, _ value: String, _ target: String) {
            Swift.print(name.padding(58) + value.padding(44) + target)
        }
        func figures(_ figures: SubmitFigures) -> String {
            "\(grouped(figures.rate))/s = \(String(format: "%.2f", figures.rate / Self.target)) x target"
        }
        func latency(_ figures: SubmitFigures) -> String {
            String(format: "p50 %.3f ms, p99 %.3f ms per command", figures.p50Milliseconds, figures.p99Milliseconds)
        }
        Swift.print("\(grouped(Double(commands))) message.record commands from \(rounds) copies of the corpus, \(grouped(Double(conversations))) conversations")
        row("measure", "figure", "target")
        row("setup: user.register + conversation.start, buffered", "\(grouped(setupPerSecond))/s", "untimed preparation")
        if let bulk {
            row("submit in bulk, durable: a sync per \(syncEvery) commands", figures(bulk), ">= 50,000/s")
            row("", latency(bulk) + " until confirmed", "")
        }
        if let bulkCold {
            row("the same, state cache emptied after the setup", figures(bulkCold), ">= 50,000/s")
            row("", latency(bulkCold) + " until confirmed", "")
        }
        if let buffered {
            row("submit, buffered appends, \(bufferedSubmitters) submitters, one sync at end", figures(buffered), ">= 50,000/s")
            row("", latency(buffered), "")
        }
        if let durable {
            row("submit, durable appends, \(submitters) concurrent submitters", figures(durable), ">= 50,000/s")
            row("", latency(durable), "")
        }
    }
}
