/// A point in time in whole microseconds since 1970-01-01T00:00:00Z (PostgreSQL's precision).
///
/// Times come in with commands, never from the clock inside the domain, so replays are exact.
public struct Timestamp: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64
    public var rawValue: Int64 { microsecondsSinceEpoch }
    public init(rawValue: Int64) { microsecondsSinceEpoch = rawValue }
    public init(microsecondsSinceEpoch: Int64) { self.microsecondsSinceEpoch = microsecondsSinceEpoch }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.rawValue < rhs.rawValue }

    /// In JSON a timestamp is its RFC 3339 text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not an RFC 3339 time such as 2026-11-22T10:15:30Z")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// This time `seconds` later (earlier when negative), held at the ends of the range: no command
    /// time comes near them, but an event written by another tool may (Specs/commands.md), and
    /// folding it must not trap.
    public func adding(seconds: Int64) -> Timestamp {
        let (offset, tooFar) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let (sum, overflow) = microsecondsSinceEpoch.addingReportingOverflow(offset)
        guard tooFar || overflow else { return Timestamp(microsecondsSinceEpoch: sum) }
        return Timestamp(microsecondsSinceEpoch: seconds < 0 ? .min : .max)
    }

    /// RFC 3339 in UTC with microseconds, e.g. `2026-11-22T10:15:30.250000Z`; PostgreSQL parses it.
    public var description: String {
        let (year, month, day, secondOfDay, micros) = parts
        guard (0...9999).contains(year) else { return Timestamp.wideDescription(year, month, day, secondOfDay, micros) }
        return String(unsafeUninitializedCapacity: 27) { buffer in
            Self.write(year, month, day, secondOfDay, micros, into: buffer)
            return 27
        }
    }

    /// Appends `description`'s UTF-8 bytes to `output`, without making a string for years 0...9999.
    public func appendText(to output: inout [UInt8]) {
        let (year, month, day, secondOfDay, micros) = parts
        guard (0...9999).contains(year) else {
            output.append(contentsOf: Timestamp.wideDescription(year, month, day, secondOfDay, micros).utf8)
            return
        }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: 27))
        output.withUnsafeMutableBufferPointer { buffer in
            Self.write(year, month, day, secondOfDay, micros, into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Year, month, day, second of the day and microsecond, in UTC.
    private var parts: (Int64, Int64, Int64, Int64, Int64) {
        let seconds = microsecondsSinceEpoch.floorDivided(by: 1_000_000)
        // From the remainder: `seconds * 1_000_000` overflows for the earliest seconds of Int64.
        let remainder = microsecondsSinceEpoch % 1_000_000
        let micros = remainder < 0 ? remainder + 1_000_000 : remainder
        let days = seconds.floorDivided(by: 86_400)
        let (year, month, day) = Timestamp.civilDate(daysSinceEpoch: days)
        return (year, month, day, seconds - days * 86_400, micros)
    }

    /// Writes the 27 bytes of a year in 0...9999 to the start of `buffer`.
    private static func write(
        _ year: Int64, _ month: Int64, _ day: Int64, _ secondOfDay: Int64, _ micros: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>
    ) {
        func put(_ value: Int64, _ width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                buffer[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(year, 4, at: 0)
        buffer[4] = 45
        put(month, 2, at: 5)
        buffer[7] = 45
        put(day, 2, at: 8)
        buffer[10] = 84
        put(secondOfDay / 3600, 2, at: 11)
        buffer[13] = 58
        put(secondOfDay / 60 % 60, 2, at: 14)
        buffer[16] = 58
        put(secondOfDay % 60, 2, at: 17)
        buffer[19] = 46
        put(micros, 6, at: 20)
        buffer[26] = 90
    }

    /// The same format for years outside 0...9999, which need more digits, or a sign (ISO 8601's
    /// expanded years: `-0001` is 2 BC).
    private static func wideDescription(_ year: Int64, _ month: Int64, _ day: Int64, _ secondOfDay: Int64, _ micros: Int64) -> String {
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(year < 0 ? "-" : "")\(pad(year.magnitude, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(micros, 6))Z"
    }

    /// Parses RFC 3339 (`2026-11-22T10:15:30Z`, optional fraction, `Z` or `±hh:mm`), and years
    /// past 9999 as `description` writes them (more digits), so every stored time reads back.
    ///
    /// Nil for text that names no real instant or that the microsecond cannot hold: a day the month
    /// does not have, an offset beyond ±23:59, a fraction finer than a microsecond (digits after the
    /// sixth must be zeros). Nothing is rounded or rolled over, except a leap second (`:60`), which
    /// is the next minute's first, as in PostgreSQL.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        // Four year digits, or more (no leading zero) for the years after 9999; `-` before the
        // years before 0, as `description` writes them.
        let sign = bytes.first == 45 ? 1 : 0
        var width = 0
        while sign + width < bytes.count, width <= 6, bytes[sign + width] >= 48, bytes[sign + width] <= 57 { width += 1 }
        guard width == 4 || (width > 4 && width <= 6 && bytes[sign] != 48) else { return nil }
        let shift = sign + width - 4
        func at(_ index: Int) -> UInt8? { index + shift < bytes.count ? bytes[index + shift] : nil }
        func field(_ range: Range<Int>) -> Int64? { number(range.lowerBound + shift..<range.upperBound + shift) }
        guard bytes.count >= 20 + shift, at(4) == 45, at(7) == 45, at(10) == 84 || at(10) == 116 || at(10) == 32,
            at(13) == 58, at(16) == 58,
            let digits = number(sign..<sign + width), sign == 0 || digits > 0, let month = field(5..<7), let day = field(8..<10),
            let hour = field(11..<13), let minute = field(14..<16), let second = field(17..<19),
            case let year = sign == 0 ? digits : -digits,
            (1...12).contains(month), (1...Timestamp.days(inMonth: month, of: year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19 + shift
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 {
                    micros = micros * 10 + Int64(bytes[index] - 48)
                } else if bytes[index] != 48 {
                    return nil
                }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { micros *= 10 }
        }
        var offset: Int64 = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 90, 122: index += 1
        case 43, 45:
            guard let hours = number(index + 1..<index + 3), index + 3 < bytes.count, bytes[index + 3] == 58,
                let minutes = number(index + 4..<index + 6), hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == 43 ? 1 : -1)
            index += 6
        default: return nil
        }
        guard index == bytes.count else { return nil }
        let days = Timestamp.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        guard let total = Int64(exactly: Int128(seconds) * 1_000_000 + Int128(micros)) else { return nil }
        self.init(microsecondsSinceEpoch: total)
    }

    /// The days of `month` (1...12) in `year`, of the proleptic Gregorian calendar.
    static func days(inMonth month: Int64, of year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's `days_from_civil`.
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Howard Hinnant's `civil_from_days`.
    static func civilDate(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
