import Testing

@testable import EventLog

/// A segment file is named by its base position in exactly 20 ASCII digits; any other `.seg` file
/// is not a segment (Specs/log-format.md, "The directory").
@Suite struct SegmentNameTests {
    @Test(arguments: [
        ("00000000000000000000.seg", UInt64?.some(0)),
        ("00000000000000001000.seg", 1000),
        ("18446744073709551615.seg", UInt64.max),
        ("+0000000000000000001.seg", nil),
        ("-0000000000000000000.seg", nil),
        (" 0000000000000000001.seg", nil),
        ("99999999999999999999.seg", nil),  // past UInt64
        ("0000000000000000001.seg", nil),
        ("000000000000000000001.seg", nil),
        ("00000000000000000000.SEG", nil),
        ("0000000000000000000\u{661}.seg", nil),  // an Arabic-Indic digit
    ] as [(String, UInt64?)])
    func onlyTwentyASCIIDigitsNameASegment(name: String, base: UInt64?) {
        #expect(SegmentHeader.basePosition(fileName: name) == base)
    }

    @Test func namesRoundTrip() {
        for base: UInt64 in [0, 1, 123_456_789, .max] {
            #expect(SegmentHeader.basePosition(fileName: SegmentHeader.fileName(basePosition: base)) == base)
        }
    }
}
