// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Faro",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "faro", targets: ["faro"]),
        .executable(name: "simulator", targets: ["simulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // System libraries (Debian: libpcre2-dev, libsqlite3-dev).
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),

        // Pure core: no I/O beyond reading the content folder in Content's loader.
        .target(name: "Content", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "Gateway", dependencies: ["Content", "CPCRE2"]),
        .target(name: "Conversation", dependencies: ["Gateway", "Content"]),

        // Shells.
        .target(name: "Store", dependencies: ["CSQLite", .product(name: "Crypto", package: "swift-crypto"),
                                              .product(name: "Logging", package: "swift-log")]),
        // Wire formats of the SMS/USSD providers, and the HTTP gateway over them.
        .target(name: "Channels", dependencies: ["Content", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Server", dependencies: [
            "Channels",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .target(name: "FaroService", dependencies: ["Conversation", "Store", "Channels", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Simulation", dependencies: ["Conversation", "Store", "FaroService", "Channels"]),

        .executableTarget(name: "faro", dependencies: [
            "Conversation", "Store", "Simulation", "FaroService", "Channels", "Server",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "simulator", dependencies: [
            "Simulation", "Store",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "FaroTests", dependencies: ["Content", "Gateway", "Conversation", "Store", "Simulation", "FaroService", "Channels", "CSQLite",
                                                .product(name: "Logging", package: "swift-log")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Channels", "Server", "Content",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], exclude: ["Recorded"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "CSQLite", .product(name: "Logging", package: "swift-log")]),
    ]
)
