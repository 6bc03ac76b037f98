import Foundation

/// The rate and latencies of one append case.
struct AppendFigures: Encodable {
    var rate: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double

    init(rate: Double = 0, latencies: Latencies = Latencies()) {
        self.rate = rate
        p50Milliseconds = latencies.percentile(0.5).milliseconds
        p99Milliseconds = latencies.percentile(0.99).milliseconds
    }
}

/// Every figure of `parley bench log`, with the ratios the issue's targets are stated in.
struct LogBenchReport: Encodable {
    var rawSyncPerSecond = 0.0
    var zeroedSyncPerSecond = 0.0
    var single = AppendFigures()
    var concurrent = AppendFigures()
    var batched = AppendFigures()
    var batchedConcurrent = AppendFigures()
    var rawBatchSyncPerSecond = 0.0
    var storedBatchBytes = 0
    var readPerSecond = 0.0
    var events = 0
    var payloadBytesMean = 0.0
    var rawJSONBytesPerEvent = 0.0
    /// The segments' bytes per event.
    var segmentBytesPerEvent = 0.0
    /// The index snapshot's bytes per event (20: an id and a stream number each).
    var indexBytesPerEvent = 0.0
    var openSeconds = 0.0

    var singleToRawSync: Double { single.rate / rawSyncPerSecond }
    var singleToZeroedSync: Double { single.rate / zeroedSyncPerSecond }
    var concurrentToSingle: Double { concurrent.rate / single.rate }
    /// Everything the log keeps on disk, segments and index snapshot.
    var bytesOnDiskPerEvent: Double { segmentBytesPerEvent + indexBytesPerEvent }
    var diskToJSON: Double { bytesOnDiskPerEvent / rawJSONBytesPerEvent }
    var batchedToRawBatchSync: Double { batched.rate / 1000 / rawBatchSyncPerSecond }

    private enum CodingKeys: String, CodingKey {
        case rawSyncPerSecond = "raw_fdatasync_per_s", zeroedSyncPerSecond = "raw_fdatasync_into_zeros_per_s"
        case singleToZeroedSync = "ratio_1_appender_to_fdatasync_into_zeros", single = "durable_1_appender", concurrent = "durable_64_appenders"
        case batched = "durable_batches_of_1000", batchedConcurrent = "durable_batches_of_1000_4_appenders", readPerSecond = "read_all_events_per_s", events
        case payloadBytesMean = "payload_bytes_mean", rawJSONBytesPerEvent = "json_bytes_per_event"
        case bytesOnDiskPerEvent = "disk_bytes_per_event", openSeconds = "open_seconds"
        case segmentBytesPerEvent = "segment_bytes_per_event", indexBytesPerEvent = "index_bytes_per_event"
        case singleToRawSync = "ratio_1_appender_to_fdatasync", concurrentToSingle = "ratio_64_appenders_to_1"
        case diskToJSON = "ratio_disk_to_json", rawBatchSyncPerSecond = "raw_fdatasync_of_batch_size_per_s"
        case storedBatchBytes = "stored_batch_bytes", batchedToRawBatchSync = "ratio_batches_to_raw_batch_fdatasync"
    }

    /// Writes only what was measured: a case left out by `--only` has no figures and no ratios.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if single.rate > 0 {
            try container.encode(rawSyncPerSecond, forKey: .rawSyncPerSecond)
            try container.encode(single, forKey: .single)
            try container.encode(singleToRawSync, forKey: .singleToRawSync)
            try container.encode(zeroedSyncPerSecond, forKey: .zeroedSyncPerSecond)
            try container.encode(singleToZeroedSync, forKey: .singleToZeroedSync)
        }
        if concurrent.rate > 0 {
            try container.encode(concurrent, forKey: .concurrent)
            if single.rate > 0 { try container.encode(concurrentToSingle, forKey: .concurrentToSingle) }
        }
        if batched.rate > 0 {
            try container.encode(batched, forKey: .batched)
            try container.encode(batchedConcurrent, forKey: .batchedConcurrent)
            try container.encode(rawBatchSyncPerSecond, forKey: .rawBatchSyncPerSecond)
            try container.encode(storedBatchBytes, forKey: .storedBatchBytes)
            try container.encode(batchedToRawBatchSync, forKey: .batchedToRawBatchSync)
        }
        if events > 0 {
            try container.encode(readPerSecond, forKey: .readPerSecond)
            try container.encode(events, forKey: .events)
            try container.encode(rawJSONBytesPerEvent, forKey: .rawJSONBytesPerEvent)
            try container.encode(bytesOnDiskPerEvent, forKey: .bytesOnDiskPerEvent)
            try container.encode(segmentBytesPerEvent, forKey: .segmentBytesPerEvent)
            try container.encode(indexBytesPerEvent, forKey: .indexBytesPerEvent)
            try container.encode(diskToJSON, forKey: .diskToJSON)
            try container.encode(openSeconds, forKey: .openSeconds)
        }
        try container.encode(payloadBytesMean, forKey: .payloadBytesMean)
    }

    func print(json: Bool) {
        if json {
            JSONLines.print(self)
            return
        }
        func row(_ name: String, _ value: String, _ target: String) {
            Swift.print(name.padding(46) + value.padding(34) + target)
        }
        func latency(_ figures: AppendFigures) -> String {
            String(format: "p50 %.2f ms, p99 %.2f ms", figures.p50Milliseconds, figures.p99Milliseconds)
        }
        row("measure", "figure", "target")
        if single.rate > 0 {
            row("raw fdatasync (512 B write + sync)", "\(grouped(rawSyncPerSecond))/s", "the physical limit")
            row("raw fdatasync, 512 B into a zero-filled file", "\(grouped(zeroedSyncPerSecond))/s", "the log's case (zeroed tail)")
            row("durable append, 1 event, 1 appender", "\(grouped(single.rate))/s = \(String(format: "%.2f", singleToRawSync)) x fdatasync", ">= 0.8 x fdatasync")
            row("", String(format: "= %.2f x fdatasync into zeros", singleToZeroedSync), "")
            row("", latency(single), "")
        }
        if concurrent.rate > 0 {
            let ratio = single.rate > 0 ? " = \(String(format: "%.1f", concurrentToSingle)) x 1 appender" : ""
            row("durable append, 1 event, 64 appenders", "\(grouped(concurrent.rate))/s\(ratio)", ">= 20 x 1 appender")
            row("", latency(concurrent), "")
        }
        if batched.rate > 0 {
            row("raw fdatasync of \(storedBatchBytes) B (1 stored batch)", "\(grouped(rawBatchSyncPerSecond))/s = \(grouped(rawBatchSyncPerSecond * 1000)) events/s", "the physical limit")
            row("durable append, batches of 1000", "\(grouped(batched.rate)) events/s = \(String(format: "%.2f", batchedToRawBatchSync)) x limit", ">= 500,000 events/s")
            row("", latency(batched), "")
            row("durable append, batches of 1000, 4 appenders", "\(grouped(batchedConcurrent.rate)) events/s", ">= 500,000 events/s")
            row("", latency(batchedConcurrent), "")
        }
        if events > 0 {
            row("read $all (CRC + LZ4), \(grouped(Double(events))) events", "\(grouped(readPerSecond)) events/s", ">= 1,000,000 events/s")
            row(
                "bytes per event: JSON payload vs on disk",
                String(format: "%.0f vs %.0f = %.2f x (index %.0f)", rawJSONBytesPerEvent, bytesOnDiskPerEvent, diskToJSON, indexBytesPerEvent),
                "smaller than the JSON")
            row("open \(grouped(Double(events))) events, sound index", String(format: "%.3f s", openSeconds), "no payload re-read")
        }
    }
}
