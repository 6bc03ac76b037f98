import EventSourcing
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00.000000Z", Int64(0)),
        ("2026-11-22T10:15:30.250000Z", 1_795_342_530_250_000),
        ("1969-12-31T23:59:59.999999Z", -1),
        ("0001-01-01T00:00:00.000000Z", -62_135_596_800_000_000),
        ("9999-12-31T23:59:59.999999Z", 253_402_300_799_999_999),
    ])
    func timestampsPrintAndParseBack(text: String, micros: Int64) {
        #expect(Timestamp(microsecondsSinceEpoch: micros).description == text)
        #expect(Timestamp(rfc3339: text)?.microsecondsSinceEpoch == micros)
        var bytes: [UInt8] = [1, 2]
        Timestamp(microsecondsSinceEpoch: micros).appendText(to: &bytes)
        #expect(bytes == [1, 2] + Array(text.utf8))
    }

    @Test func aTimestampOutsideFourDigitYearsAppendsItsWideText() {
        for micros: Int64 in [-62_135_596_800_000_001, 253_402_300_800_000_000, Int64.max / 2, Int64.min / 2] {
            let time = Timestamp(microsecondsSinceEpoch: micros)
            var bytes: [UInt8] = []
            time.appendText(to: &bytes)
            #expect(bytes == Array(time.description.utf8))
        }
    }

    /// A time a decider derives past 9999 (an expiry days after the input) reads back.
    /// Past either end of the range, a time stays at that end instead of trapping.
    @Test func addingHoldsAtTheEndsOfTheRange() {
        let earliest = Timestamp(microsecondsSinceEpoch: .min), latest = Timestamp(microsecondsSinceEpoch: .max)
        #expect(earliest.adding(seconds: -86_400) == earliest)
        #expect(latest.adding(seconds: 86_400) == latest)
        #expect(Timestamp(microsecondsSinceEpoch: 0).adding(seconds: .max) == latest)
        #expect(Timestamp(microsecondsSinceEpoch: 0).adding(seconds: .min) == earliest)
        #expect(earliest.adding(seconds: 1) == Timestamp(microsecondsSinceEpoch: .min + 1_000_000))
        #expect(latest.adding(seconds: -86_400) == Timestamp(microsecondsSinceEpoch: .max - 86_400_000_000))
    }

    @Test func yearsAfter9999PrintWithMoreDigitsAndParseBack() {
        for micros: Int64 in [253_402_300_800_000_000, 253_402_559_999_000_000, 9_000_000_000_000_000_000] {
            let time = Timestamp(microsecondsSinceEpoch: micros)
            #expect(time.description.split(separator: "-")[0].count > 4)
            #expect(Timestamp(rfc3339: time.description) == time, "\(time)")
        }
        #expect(Timestamp(rfc3339: "10000-01-01T00:00:00Z")?.microsecondsSinceEpoch == 253_402_300_800_000_000)
    }

    /// A log may hold any signed 64-bit time: each prints, without trapping, as text that reads back.
    @Test func everyStoredTimePrintsAndParsesBack() {
        var random = SystemRandomNumberGenerator()
        let edges: [Int64] = [Int64.min, Int64.min + 1, -62_198_755_200_000_000, -62_167_219_200_000_001, Int64.max]
        for micros in edges + (0..<1000).map({ _ in Int64.random(in: .min ... .max, using: &random) }) {
            let time = Timestamp(microsecondsSinceEpoch: micros)
            var bytes: [UInt8] = []
            time.appendText(to: &bytes)
            #expect(bytes == Array(time.description.utf8))
            #expect(Timestamp(rfc3339: time.description) == time, "\(micros): \(time)")
        }
        #expect(Timestamp(microsecondsSinceEpoch: -62_198_755_200_000_000).description == "-0001-01-01T00:00:00.000000Z")
        #expect(Timestamp(microsecondsSinceEpoch: Int64.min).description == "-290308-12-21T19:59:05.224192Z")
        #expect(Timestamp(rfc3339: "-0000-01-01T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "-00001-01-01T00:00:00Z") == nil)
    }

    @Test(arguments: [
        ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000000Z"),
        ("2000-02-29T00:00:00+01:00", "2000-02-28T23:00:00.000000Z"),
        ("2026-04-30T23:59:59-23:59", "2026-05-01T23:58:59.000000Z"),
        ("2026-11-22T10:15:30.123456000Z", "2026-11-22T10:15:30.123456Z"),
        ("2026-11-22t10:15:30.5z", "2026-11-22T10:15:30.500000Z"),
        ("2026-12-31T23:59:60Z", "2027-01-01T00:00:00.000000Z"),
    ])
    func realInstantsParse(text: String, utc: String) {
        #expect(Timestamp(rfc3339: text)?.description == utc)
    }

    /// Text that names no real instant, or one finer than a microsecond, is refused, never rolled
    /// over into another day or rounded.
    @Test(arguments: [
        "2026-02-29T10:00:00Z", "2100-02-29T10:00:00Z", "2026-02-31T10:00:00Z", "2026-04-31T10:00:00Z",
        "2026-00-10T10:00:00Z", "2026-13-10T10:00:00Z", "2026-01-00T10:00:00Z", "2026-01-32T10:00:00Z",
        "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:15:61Z",
        "2026-11-22T10:15:30+99:99", "2026-11-22T10:15:30+24:00", "2026-11-22T10:15:30-23:60",
        "2026-11-22T10:15:30.1234567Z", "2026-11-22T10:15:30.Z", "2026-11-22T10:15:30",
        "02026-11-22T10:15:30Z", "1234567-11-22T10:15:30Z", "999-11-22T10:15:30Z", "2026-11-22T10:15:30Zjunk",
        "9999999-12-31T23:59:59Z",
    ])
    func impossibleTextIsRefused(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }
}
