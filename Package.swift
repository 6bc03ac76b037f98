// swift-tools-version: 6.2
import PackageDescription

/// Every target of ours builds in Swift 6 language mode with warnings as errors.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "parley", targets: ["parley"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "EventSourcing", swiftSettings: strict),
        .target(name: "Migue", dependencies: ["EventSourcing"], swiftSettings: strict),
        .target(
            name: "Ingest",
            dependencies: ["EventSourcing", "Migue", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "EventLog",
            dependencies: [
                "EventSourcing", "CLZ4",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "Projections",
            dependencies: ["EventSourcing", "Postgres", "Migue", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "parley",
            dependencies: [
                "EventSourcing", "EventLog", "Postgres", "Projections", "Migue", "Ingest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict,
            // jemalloc replaces glibc's malloc in the command only (README, "Dependencies").
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        .target(
            name: "TestSupport", dependencies: ["Postgres", "Projections", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Support", swiftSettings: strict
        ),
        .testTarget(name: "EventSourcingTests", dependencies: ["EventSourcing"], swiftSettings: strict),
        .testTarget(name: "MigueTests", dependencies: ["Migue", "EventSourcing"], swiftSettings: strict),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Migue", "EventSourcing"], swiftSettings: strict),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "CLZ4", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ProjectionsTests", dependencies: ["Projections", "Postgres", "EventSourcing", "Migue", "TestSupport"], exclude: ["Fixtures"], swiftSettings: strict
        ),
        .testTarget(name: "ParleyTests", dependencies: ["parley", "EventLog", "EventSourcing", "Postgres", "Projections", "Migue", "Ingest", "TestSupport"], swiftSettings: strict),
    ]
)
