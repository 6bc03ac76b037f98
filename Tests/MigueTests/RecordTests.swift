import EventSourcing
import Foundation
import Testing
@testable import Migue

/// Interactions and locations: recorded once, with their rules.
@Suite struct RecordTests {
    typealias F = Fixture
    static let interaction = F.id("interaction")
    static let location = F.id("location")

    static func tap(_ kind: Interaction.Kind, title: String? = nil, url: String? = nil) -> Interaction.Record {
        Interaction.Record(
            interactionID: interaction, userID: F.userID, conversationID: F.id("c"), kind: kind, buttonTitle: title,
            buttonURL: url, metadata: ["source": "webhook"], timestamp: F.time(-1), at: F.t0)
    }

    static func tapped(_ record: Interaction.Record) -> Interaction.Event {
        .recorded(Interaction.Recorded(
            interactionID: record.interactionID, userID: record.userID, conversationID: record.conversationID,
            kind: record.kind, buttonTitle: record.buttonTitle, buttonURL: record.buttonURL, metadata: record.metadata,
            timestamp: record.timestamp, createdAt: record.at))
    }

    @Test(arguments: Interaction.Kind.allCases)
    func recordsEveryInteractionType(kind: Interaction.Kind) {
        let record = Self.tap(kind)
        given(Interaction.self).when(.record(record)).then([Self.tapped(record)])
    }

    @Test func aButtonTapKeepsItsButton() {
        let record = Self.tap(.ctaButtonTap, title: "Ver cita", url: "https://migue.app/c/1")
        given(Interaction.self).when(.record(record)).then([Self.tapped(record)])
    }

    @Test(arguments: [Interaction.Kind.flowCompletion, .callAccepted, .callRejected], [("t", nil), (nil, "u")] as [(String?, String?)])
    func onlyAButtonTapHasAButton(kind: Interaction.Kind, button: (String?, String?)) {
        given(Interaction.self).when(.record(Self.tap(kind, title: button.0, url: button.1)))
            .thenRejects(.buttonOnlyForButtonTaps(Self.interaction, kind: kind))
    }

    @Test func anInteractionIsRecordedOnce() {
        let record = Self.tap(.callAccepted)
        given(Interaction.self, Self.tapped(record)).when(.record(record)).thenRejects(.alreadyRecorded(Self.interaction))
    }

    static func place(_ latitude: Double, _ longitude: Double) -> Location.Record {
        Location.Record(
            locationID: location, userID: F.userID, latitude: DecimalText(latitude)!, longitude: DecimalText(longitude)!,
            name: "Parque 93", address: "Bogotá", timestamp: F.time(-1), at: F.t0)
    }

    static func placed(_ record: Location.Record) -> Location.Event {
        .recorded(Location.Recorded(
            locationID: record.locationID, userID: record.userID, conversationID: nil, latitude: record.latitude,
            longitude: record.longitude, name: record.name, address: record.address, timestamp: record.timestamp,
            createdAt: record.at))
    }

    @Test(arguments: [(4.6765, -74.0483), (90, 180), (-90, -180), (0, 0), (12.34567891, -123.45678912), (-0.00000001, 0.00000001)])
    func recordsAPlaceInRangeAndPrecision(latitude: Double, longitude: Double) {
        let record = Self.place(latitude, longitude)
        given(Location.self).when(.record(record)).then([Self.placed(record)])
    }

    @Test(arguments: [90.00000001, -90.00000001, 91, -1000])
    func aLatitudeOutsideItsRangeIsRefused(latitude: Double) {
        given(Location.self).when(.record(Self.place(latitude, 0)))
            .thenRejects(.latitudeOutOfRange(Self.location, DecimalText(latitude)!))
    }

    @Test(arguments: [180.00000001, -180.00000001, 181, 1e9])
    func aLongitudeOutsideItsRangeIsRefused(longitude: Double) {
        given(Location.self).when(.record(Self.place(0, longitude)))
            .thenRejects(.longitudeOutOfRange(Self.location, DecimalText(longitude)!))
    }

    @Test(arguments: [4.123456789, 1e-9, 0.1 + 0.2])
    func aCoordinateTheColumnWouldRoundIsRefused(value: Double) {
        given(Location.self).when(.record(Self.place(value, 0)))
            .thenRejects(.tooPrecise(Self.location, coordinate: "latitude", DecimalText(value)!))
        given(Location.self).when(.record(Self.place(0, value)))
            .thenRejects(.tooPrecise(Self.location, coordinate: "longitude", DecimalText(value)!))
    }

    @Test func aLocationIsRecordedOnce() {
        let record = Self.place(1, 1)
        given(Location.self, Self.placed(record)).when(.record(record)).thenRejects(.alreadyRecorded(Self.location))
        #expect(Location.Rejection.tooPrecise(Self.location, coordinate: "latitude", DecimalText(4.123456789)!).description
            == "location \(Self.location.uuidString.lowercased().prefix(8))...: latitude has more than 8 "
            + "decimals, which the column would round", "a place is personal data: the rule is named, not the value")
    }
}

@Suite struct DecimalTextTests {
    @Test(arguments: [
        (4.60971, "4.60971", 1, 5), (-74.08175, "-74.08175", 2, 5), (90, "90", 2, 0), (0, "0", 0, 0), (-0.0, "0", 0, 0),
        (1e-8, "0.00000001", 0, 8), (1e-5, "0.00001", 0, 5), (1e16, "10000000000000000", 17, 0), (0.5, "0.5", 0, 1),
        (1234.5678, "1234.5678", 4, 4), (0.1 + 0.2, "0.30000000000000004", 0, 17),
    ] as [(Double, String, Int, Int)])
    func takesTheShortestDecimalThatIsTheNumber(value: Double, text: String, integerDigits: Int, fractionDigits: Int) {
        let decimal = DecimalText(value)
        #expect(decimal?.text == text)
        #expect(decimal?.integerDigits == integerDigits)
        #expect(decimal?.fractionDigits == fractionDigits)
        #expect(decimal?.value == (value == 0 ? 0 : value))
    }

    @Test func fitsANumericOnlyWithoutRoundingOrOverflow() {
        #expect(DecimalText(99.99999999)!.fits(precision: 10, scale: 8))
        #expect(!DecimalText(100)!.fits(precision: 10, scale: 8))
        #expect(!DecimalText(0.123456789)!.fits(precision: 10, scale: 8))
        #expect(DecimalText(9999.99999999)!.fits(precision: 12, scale: 8))
        #expect(!DecimalText(10000)!.fits(precision: 12, scale: 8))
        #expect(DecimalText(.nan) == nil && DecimalText(.infinity) == nil)
    }

    @Test func travelsAsItsTextInJSON() throws {
        let decimal = DecimalText(-74.08175)!
        let data = try JSONEncoder().encode([decimal])
        #expect(String(decoding: data, as: UTF8.self) == #"["-74.08175"]"#)
        #expect(try JSONDecoder().decode([DecimalText].self, from: data) == [decimal])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([DecimalText].self, from: Data(#"["1.50"]"#.utf8)) }
    }
}
