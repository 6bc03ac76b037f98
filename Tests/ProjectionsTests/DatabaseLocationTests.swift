import Foundation
import Postgres
import Projections
import Testing

@Suite struct DatabaseLocationTests {
    @Test func optionWinsOverEnvironmentWinsOverEmbedded() throws {
        let environment = ["PARLEY_DATABASE_URL": "host=env"]
        #expect(try DatabaseLocation.resolve(option: "host=flag", environment: environment, home: "/nonexistent")
            == DatabaseLocation(conninfo: "host=flag", source: .option))
        #expect(try DatabaseLocation.resolve(option: nil, environment: environment, home: "/nonexistent")
            == DatabaseLocation(conninfo: "host=env", source: .environment))
    }

    /// `PARLEY_HOME` names the embedded server's folder when set and not empty, as in tools/pg.
    @Test func theHomeIsParleyHomeUnlessEmpty() {
        let here = FileManager.default.currentDirectoryPath + "/.parley"
        #expect(DatabaseLocation.defaultHome(environment: ["PARLEY_HOME": "/srv/parley"]) == "/srv/parley")
        #expect(DatabaseLocation.defaultHome(environment: ["PARLEY_HOME": ""]) == here)
        #expect(DatabaseLocation.defaultHome(environment: [:]) == here)
        let error = #expect(throws: DatabaseLocationError.self) {
            try DatabaseLocation.resolve(option: nil, environment: ["PARLEY_HOME": "/nonexistent/home"])
        }
        #expect(error == .embeddedNotRunning(pidFile: "/nonexistent/home/pgdata/postmaster.pid"))
    }

    @Test func embeddedServerIsReadFromItsPidFile() throws {
        // A space and a quote in the path: the host stays one value.
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("parley location's-\(UUID())").path
        try FileManager.default.createDirectory(atPath: home + "/pgdata", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let pid = "4242\n\(home)/pgdata\n1700000000\n54329\n\(home)/pgrun\n127.0.0.1\n  1234   5678\nready   \n"
        try pid.write(toFile: home + "/pgdata/postmaster.pid", atomically: true, encoding: .utf8)
        let location = try DatabaseLocation.resolve(option: nil, environment: [:], home: home)
        #expect(location.source == .embedded)
        #expect(ConnectionString.redacted(location.conninfo) == "user=postgres dbname=parley host=\(home)/pgrun port=54329")
    }

    @Test func noEmbeddedServerSaysHowToStartOne() {
        let error = #expect(throws: DatabaseLocationError.self) {
            try DatabaseLocation.resolve(option: nil, environment: [:], home: "/nonexistent/.parley")
        }
        #expect(error == .embeddedNotRunning(pidFile: "/nonexistent/.parley/pgdata/postmaster.pid"))
        #expect(error?.description.contains("tools/pg start") == true)
    }

    @Test func truncatedPidFileIsReported() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("parley-location-\(UUID())").path
        try FileManager.default.createDirectory(atPath: home + "/pgdata", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "4242\n".write(toFile: home + "/pgdata/postmaster.pid", atomically: true, encoding: .utf8)
        #expect(throws: DatabaseLocationError.unreadablePidFile(path: home + "/pgdata/postmaster.pid")) {
            try DatabaseLocation.resolve(option: nil, environment: [:], home: home)
        }
    }
}
