import Foundation

/// A number as PostgreSQL's `numeric` stores it, kept as its exact decimal text (`4.60971`, `-74.08175`).
///
/// A JSON number arrives as a `Double`; its shortest round-trip form is taken as the number the
/// sender meant, so `4.60971` stays `4.60971` rather than the binary value nearest to it. Events
/// carry the text, and the projector binds the text, so the row holds exactly what the event says.
public struct DecimalText: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The canonical text: no exponent, no leading zeros, no trailing fraction zeros, no `-0`.
    public let text: String
    /// Digits left of the point, as `numeric(p, s)` counts them (`0.5` has none).
    public let integerDigits: Int
    /// Digits right of the point.
    public let fractionDigits: Int

    /// The decimal form of a finite `value`; nil for NaN and infinities.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        let shortest = "\(value.magnitude)"
        let parts = shortest.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        let digits = Array(mantissa[0] + (mantissa.count > 1 ? mantissa[1] : ""))
        let point = mantissa[0].count + exponent
        var integer: [Character]
        var fraction: [Character]
        if point <= 0 {
            integer = []
            fraction = Array(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            integer = digits + Array(repeating: "0", count: point - digits.count)
            fraction = []
        } else {
            integer = Array(digits[..<point])
            fraction = Array(digits[point...])
        }
        while integer.first == "0" { integer.removeFirst() }
        while fraction.last == "0" { fraction.removeLast() }
        let magnitude = (integer.isEmpty ? "0" : String(integer)) + (fraction.isEmpty ? "" : "." + String(fraction))
        text = (value < 0 && magnitude != "0" ? "-" : "") + magnitude
        integerDigits = integer.count
        fractionDigits = fraction.count
    }

    /// The value as a `Double`, for range checks.
    public var value: Double { Double(text) ?? .nan }

    /// Whether `numeric(precision, scale)` stores this exactly: no rounding, no overflow.
    public func fits(precision: Int, scale: Int) -> Bool {
        fractionDigits <= scale && integerDigits <= precision - scale
    }

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Double(text), let decimal = DecimalText(value), decimal.text == text else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a canonical decimal (\(text.utf8.count) bytes; payload values are not shown)")
        }
        self = decimal
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
