/// A decimal number as its significant digits and the place of its point, so that two texts of
/// one value compare equal: `1e2`, `100.0` and `100` all read 0.1 x 10^3.
///
/// Reads a JSON number or a `Double`'s description; zero has no digits and no sign.
struct DecimalForm: Equatable {
    private(set) var negative = false
    /// Without leading or trailing zeros.
    private(set) var digits: [UInt8] = []
    /// The value is 0.`digits` x 10^`exponent`.
    private(set) var exponent = 0

    init(_ text: some Sequence<UInt8>) {
        var mantissa: [UInt8] = []
        var point: Int?
        var written = 0, writtenNegative = false, inExponent = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "-") where inExponent: writtenNegative = true
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): point = mantissa.count
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "0")...UInt8(ascii: "9") where inExponent:
                // Past any exponent a finite Double has; saturating keeps the comparison right.
                written = min(written * 10 + Int(byte - UInt8(ascii: "0")), 1 << 40)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): mantissa.append(byte)
            default: break
            }
        }
        var place = (point ?? mantissa.count) + (writtenNegative ? -written : written)
        let leading = mantissa.prefix { $0 == UInt8(ascii: "0") }.count
        place -= leading
        digits = Array(mantissa.dropFirst(leading))
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty {
            negative = false
            place = 0
        }
        exponent = place
    }
}
