import Foundation
import TestSupport
import Postgres
import Testing

@Suite struct ValueTests {
    @Test func byteaTravelsInBinaryAndComesBackWhole() throws {
        let connection = try TestServer.connect()
        let bytes = Data((0...255).map(UInt8.init) + [0, 0, 92, 120])
        #expect(bytes.postgresBinding == .binary([UInt8](bytes), typeOID: 17))
        let row = try connection.query("SELECT $1::bytea AS data, length($1::bytea) AS length", [bytes])[0]
        #expect(try row.decode("length", as: Int.self) == bytes.count)
        #expect(try row.decode("data", as: Data.self) == bytes)
        try connection.execute("CREATE TEMP TABLE blobs (data bytea)")
        try connection.execute("INSERT INTO blobs VALUES ($1)", [bytes])
        #expect(try connection.query("SELECT data FROM blobs")[0].decode("data", as: Data.self) == bytes)
    }

    @Test(arguments: [
        ("\\x", Data()), ("\\x00ff10", Data([0, 255, 16])), ("\\xABcd", Data([0xab, 0xcd])),
        ("abc", Data("abc".utf8)), ("a\\\\b", Data("a\\b".utf8)), ("\\000\\377", Data([0, 255])),
    ])
    func byteaTextFormsDecode(text: String, expected: Data) {
        #expect(Data(postgresText: text) == expected)
    }

    @Test(arguments: ["\\x0", "\\xzz", "\\9", "\\40"])
    func malformedByteaTextIsNil(text: String) {
        #expect(Data(postgresText: text) == nil)
    }

    @Test func byteaEscapeOutputDecodesToo() throws {
        let connection = try TestServer.connect()
        try connection.execute("SET bytea_output = 'escape'")
        let bytes = Data([0, 1, 92, 65, 200, 255])
        #expect(try connection.query("SELECT $1::bytea AS data", [bytes])[0].decode("data", as: Data.self) == bytes)
    }

    @Test func uuidRoundTrips() throws {
        let connection = try TestServer.connect()
        let id = UUID()
        let row = try connection.query("SELECT $1::uuid AS id, gen_random_uuid() AS fresh", [id])[0]
        #expect(try row.decode("id", as: UUID.self) == id)
        _ = try row.decode("fresh", as: UUID.self)
    }

    @Test(arguments: [0.0, 1_763_800_000.123456, -86_400.5, 253_402_300_799.999999, 951_782_400.000001,
        -62_135_596_800, -62_167_219_200.5, -63_000_000_000])
    func timestamptzRoundTripsToTheMicrosecond(seconds: Double) throws {
        let connection = try TestServer.connect()
        let date = Date(timeIntervalSince1970: seconds)
        let back = try connection.query("SELECT $1::timestamptz AS at", [date])[0].decode("at", as: Date.self)
        #expect(abs(back.timeIntervalSince(date)) < 0.000_001)
    }

    @Test func yearsBeforeOneAreWrittenAsTheServerSpellsThem() throws {
        let yearZero = Date(timeIntervalSince1970: -62_167_219_200)
        #expect(yearZero.postgresText == "0001-01-01 00:00:00.000000+00 BC")
        let connection = try TestServer.connect()
        let row = try connection.query("SELECT $1::timestamptz = '0001-01-01 00:00:00+00 BC'::timestamptz AS same", [yearZero])[0]
        #expect(try row.decode("same", as: Bool.self))
        let back = try connection.query("SELECT '0001-01-01 00:00:00+00 BC'::timestamptz AS at")[0].decode("at", as: Date.self)
        #expect(back == yearZero)
    }

    @Test(arguments: ["UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"])
    func timestamptzDecodesAtAnyServerTimeZone(zone: String) throws {
        let connection = try TestServer.connect()
        try connection.execute("SELECT set_config('TimeZone', $1, false)", [zone])
        let row = try connection.query("SELECT '2026-11-22 10:15:30.25+00'::timestamptz AS at")[0]
        #expect(try row.decode("at", as: Date.self) == Date(timeIntervalSince1970: 1_795_342_530.25))
    }

    @Test(arguments: ["infinity", "2026-11-22", "2026-13-01 00:00:00+00", "2026-11-22 10:15:30", "1999-01-08 04:05:06 BC",
        "1999-01-08 04:05:06+00 AD", "0000-01-08 04:05:06+00 BC"])
    func timestampsThatAreNotInstantsDoNotDecode(text: String) {
        #expect(Date(postgresText: text) == nil)
    }

    @Test func vectorTextRoundTrips() throws {
        let connection = try TestServer.connect()
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("ROLLBACK") }
        try connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
        let vector = PostgresVector([1, -2.5, 0.125])
        #expect(vector.postgresText == "[1.0,-2.5,0.125]")
        #expect(try connection.query("SELECT $1::vector AS v", [vector])[0].decode("v", as: PostgresVector.self) == vector)
    }

    @Test func aNulCharacterInATextParameterIsRefusedBeforeSending() throws {
        let connection = try TestServer.connect()
        let error = #expect(throws: PostgresError.self) { try connection.query("SELECT $1::text", ["a\u{0}secret"]) }
        #expect(error?.kind == .query)
        #expect(error?.code == .characterNotInRepertoire)
        #expect(error?.description.contains("$1") == true)
        #expect(error?.description.contains("secret") == false)
    }
}
