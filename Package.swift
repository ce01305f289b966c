// swift-tools-version: 6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Conveyor",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Conveyor", targets: ["Conveyor"]),
        .library(name: "ConveyorSQLite", targets: ["ConveyorSQLite"]),
        .library(name: "ConveyorPostgres", targets: ["ConveyorPostgres"]),
        .library(name: "ConveyorTesting", targets: ["ConveyorTesting"]),
        .library(name: "ConveyorServer", targets: ["ConveyorServer"]),
        .library(name: "ConveyorHTTP", targets: ["ConveyorHTTP"]),
        .library(name: "ConveyorVapor", targets: ["ConveyorVapor"]),
        .executable(name: "conveyor", targets: ["conveyor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // Already in the graph through Hummingbird and postgres-nio.
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Without its default traits: no swift-configuration, no full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Already in the graph through the drivers; the examples' stand-ins name it.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Already in the graph through postgres-nio; an example hashes raw data with SHA-256.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.9.0" ..< "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // Only the `conveyor` executable reads YAML (its configuration file).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Builds the DocC catalogues (swift package generate-documentation); nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
        // Only a test builds GRDB: the README's transactional enqueue is written with it.
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Only ConveyorVapor (and its tests) build Vapor.
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
    ],
    targets: [
        .target(
            name: "Conveyor",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: upcoming
        ),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "ConveyorSQLite",
            dependencies: ["Conveyor", "CSQLite", .product(name: "Logging", package: "swift-log")],
            swiftSettings: upcoming
        ),
        .target(
            name: "ConveyorPostgres",
            dependencies: [
                "Conveyor",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(name: "ConveyorTesting", dependencies: ["Conveyor"], swiftSettings: upcoming),
        .target(
            name: "ConveyorHTTP",
            dependencies: ["Conveyor", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: upcoming
        ),
        .target(
            name: "ConveyorServer",
            dependencies: [
                "Conveyor",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // Built into the module: the server needs no files beside its binary.
            resources: [
                .embedInCode("Resources/openapi.json"),
                .embedInCode("Resources/Dashboard/layout.mustache"),
                .embedInCode("Resources/Dashboard/style.css"),
                .embedInCode("Resources/Dashboard/overview.mustache"),
                .embedInCode("Resources/Dashboard/jobs.mustache"),
                .embedInCode("Resources/Dashboard/job.mustache"),
                .embedInCode("Resources/Dashboard/schedules.mustache"),
                .embedInCode("Resources/Dashboard/schedule-edit.mustache"),
                .embedInCode("Resources/Dashboard/nodes.mustache"),
                .embedInCode("Resources/Dashboard/batches.mustache"),
                .embedInCode("Resources/Dashboard/bulk-confirm.mustache"),
                .embedInCode("Resources/Dashboard/login.mustache"),
            ],
            swiftSettings: upcoming
        ),
        // Conveyor in a Vapor 4 application: its node on the app's lifecycle, its routes (written
        // once, for Hummingbird) answered under a prefix of the app's router.
        .target(
            name: "ConveyorVapor",
            dependencies: [
                "Conveyor", "ConveyorServer",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "conveyor",
            dependencies: [
                "Conveyor", "ConveyorSQLite", "ConveyorPostgres", "ConveyorServer", "ConveyorHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: upcoming
        ),
        // A node running Swift code that `conveyor serve` cannot host (a row loop, a worker
        // with follow-ups), for the CLI tests that kill processes.
        .executableTarget(
            name: "ConveyorFixtureNode",
            dependencies: ["Conveyor", "ConveyorSQLite", "ConveyorPostgres", .product(name: "Logging", package: "swift-log")],
            path: "Tests/FixtureNode",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ConveyorTests",
            dependencies: [
                "Conveyor", "ConveyorSQLite", "ConveyorPostgres", "ConveyorTesting", "CSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ConveyorSQLiteTests",
            dependencies: ["Conveyor", "ConveyorSQLite", "CSQLite"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ConveyorServerTests",
            dependencies: [
                "Conveyor", "ConveyorSQLite", "ConveyorServer", "ConveyorTesting", "ConveyorHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            exclude: ["dashboard_browser.py", "mounted_dashboard_browser.py", "browser_support.py"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ReadmeSnippetTests",
            dependencies: ["Conveyor", "ConveyorSQLite", "ConveyorTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ConveyorVaporTests",
            dependencies: [
                "Conveyor", "ConveyorSQLite", "ConveyorServer", "ConveyorVapor",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ConveyorCLITests",
            dependencies: [
                "Conveyor", "ConveyorSQLite", "ConveyorPostgres", "CSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // The seed systems (Examples/README.md): application code on the public API, sharing
        // one build with the rest, with local stand-ins of the outside services they call.
        .target(
            name: "ExampleKit",
            dependencies: [
                "Conveyor", "ConveyorSQLite", "ConveyorPostgres", "CSQLite",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/Kit",
            swiftSettings: upcoming
        ),
        .target(name: "ContactSync", dependencies: ["Conveyor", "ExampleKit", .product(name: "Logging", package: "swift-log")],
                path: "Examples/ContactSync", exclude: ["README.md"], swiftSettings: upcoming),
        .target(name: "HubSpotNotes", dependencies: ["Conveyor", "ExampleKit", .product(name: "Logging", package: "swift-log")],
                path: "Examples/HubSpotNotes", exclude: ["README.md"], swiftSettings: upcoming),
        .target(
            name: "DealPulse",
            dependencies: ["Conveyor", "ExampleKit", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Examples/DealPulse", exclude: ["README.md"], swiftSettings: upcoming
        ),
        .target(
            name: "SourceProcessing",
            dependencies: [
                "Conveyor", "ExampleKit", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/SourceProcessing", exclude: ["README.md"], swiftSettings: upcoming
        ),
        .target(
            name: "ClientMonitoring",
            dependencies: [
                "Conveyor", "ExampleKit", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Examples/ClientMonitoring", exclude: ["README.md"], swiftSettings: upcoming
        ),
        .executableTarget(
            name: "conveyor-examples",
            dependencies: [
                "Conveyor", "ConveyorServer", "ExampleKit", "ContactSync", "HubSpotNotes", "DealPulse", "SourceProcessing", "ClientMonitoring",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Examples/Run",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ExamplesTests",
            dependencies: [
                "Conveyor", "ConveyorTesting", "ExampleKit", "ContactSync", "HubSpotNotes", "DealPulse", "SourceProcessing", "ClientMonitoring",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/Tests",
            swiftSettings: upcoming
        ),
    ],
    swiftLanguageModes: [.v6]
)
