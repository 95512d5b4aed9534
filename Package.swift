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
        .target(name: "FaroService", dependencies: ["Conversation", "Store", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Simulation", dependencies: ["Conversation", "Store", "FaroService"]),

        .executableTarget(name: "faro", dependencies: [
            "Conversation", "Store", "Simulation", "FaroService",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "simulator", dependencies: [
            "Simulation", "Store",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "FaroTests", dependencies: ["Content", "Gateway", "Conversation", "Store", "Simulation", "FaroService", "CSQLite",
                                                .product(name: "Logging", package: "swift-log")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "CSQLite", .product(name: "Logging", package: "swift-log")]),
    ]
)
