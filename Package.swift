// swift-tools-version:6.0
import PackageDescription

// Layers run one way: C modules → safe wrappers → BrickCore → store / sources →
// sync and restore engines → BrickCommands → the two thin executables.
let package = Package(
    name: "Brick",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "brick-backup", targets: ["brick-backup"]),
        .executable(name: "brick-restore", targets: ["brick-restore"]),
        .executable(name: "brick-bench", targets: ["brick-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C libraries: a modulemap and a header each, nothing else.
        .systemLibrary(name: "CBerkeleyDB", path: "Sources/CBerkeleyDB"),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4",
                       providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CSQLiteTuning", path: "Sources/CSQLiteTuning",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CXXHash", path: "Sources/CXXHash", pkgConfig: "libxxhash",
                       providers: [.apt(["libxxhash-dev"])]),

        // libdb's page checksum, vectorized, exported so libdb's PLT calls land on it
        // (docs/DESIGN.md "Page checksum"); every executable that opens item files links it.
        .target(name: "CPageHash",
                cSettings: [.unsafeFlags(["-O3"])],
                linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic-symbol=__ham_func4"])]),

        // Safe Swift wrappers, no mail concepts.
        .target(name: "BerkeleyDB", dependencies: ["CBerkeleyDB", "CPageHash"]),
        .target(name: "LZ4", dependencies: ["CLZ4", "CXXHash"]),
        .target(name: "LibCrypto", dependencies: ["CLibCrypto"]),
        .target(name: "XXHash", dependencies: ["CXXHash"]),

        // Shared value types: folder paths, keys, flags, the source contract.
        .target(name: "BrickCore"),
        // RFC 5322 / RFC 2047 header reading for the catalog.
        .target(name: "BrickMessage", dependencies: ["BrickCore", .product(name: "Crypto", package: "swift-crypto")]),

        // The per-user store: Berkeley DB items + SQLite catalog + lock.
        .target(name: "BrickStore", dependencies: [
            "BrickCore", "BrickMessage", "BrickCalendar", "BerkeleyDB", "LZ4", "LibCrypto", "CSQLiteTuning",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),

        // iCalendar and vCard reading and writing for calendar and contact items.
        .target(name: "BrickCalendar", dependencies: ["BrickCore"]),

        // Off-site bundles: the framed, checksummed file format (no store knowledge).
        .target(name: "BrickBundle", dependencies: ["XXHash", .product(name: "Crypto", package: "swift-crypto")]),

        // Sources (and restore targets of the same kind).
        .target(name: "BrickMaildir", dependencies: ["BrickCore", "BrickMessage"]),
        .target(name: "BrickIMAP", dependencies: [
            "BrickCore", "BrickMessage",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // CalDAV/CardDAV: an HTTP/1.1 WebDAV client, discovery, and the DAV source.
        .target(name: "BrickDAV", dependencies: [
            "BrickCore", "CLibXML2",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Engines.
        .target(name: "BrickSync", dependencies: [
            "BrickCore", "BrickStore",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "BrickRestore", dependencies: [
            "BrickCore", "BrickMessage", "BrickStore", "BrickMaildir", "BrickIMAP", "BrickCalendar",
            "BrickDAV",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Off-site copies: a store's changes as bundles, and bundles applied to a replica.
        .target(name: "BrickOffsite", dependencies: ["BrickCore", "BrickStore", "BrickBundle", "BerkeleyDB"]),

        // Running a site: the configuration file, backup groups, shards, metrics.
        .target(name: "BrickSite", dependencies: [
            "BrickCore",
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Commands and executables.
        .target(name: "BrickCommands", dependencies: [
            "BrickCore", "BrickStore", "BrickSync", "BrickMaildir", "BrickIMAP", "BrickRestore", "BrickOffsite", "BrickBundle", "BrickSite",
            "BrickDAV",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "brick-backup", dependencies: ["BrickCommands"]),
        .executableTarget(name: "brick-restore", dependencies: ["BrickCommands"]),
        // Test support: a store writer the crash-consistency tests kill at random.
        .executableTarget(name: "brick-store-torture", dependencies: ["BrickStore", "BrickCore", "BerkeleyDB"]),
        .executableTarget(name: "brick-bench", dependencies: [
            "BrickCore", "BrickStore", "BrickSync", "BrickMaildir", "BrickIMAP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tests mirror the sources; BrickTestSupport holds what several test targets share.
        .target(name: "BrickTestSupport", path: "Tests/BrickTestSupport"),
        .testTarget(name: "BerkeleyDBTests", dependencies: ["BerkeleyDB", "CPageHash", "BrickTestSupport"]),
        .testTarget(name: "LZ4Tests", dependencies: ["LZ4"]),
        .testTarget(name: "XXHashTests", dependencies: ["XXHash"]),
        .testTarget(name: "LibCryptoTests", dependencies: ["LibCrypto", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "BrickCoreTests", dependencies: ["BrickCore"]),
        .testTarget(name: "BrickBundleTests", dependencies: ["BrickBundle"]),
        .testTarget(name: "BrickMessageTests", dependencies: ["BrickMessage", "BrickCore"]),
        .testTarget(name: "BrickStoreTests", dependencies: [
            "BrickStore", "BrickCore", "LZ4", "BrickTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "BrickMaildirTests", dependencies: ["BrickMaildir", "BrickMessage", "BrickCore"]),
        .testTarget(name: "BrickIMAPTests", dependencies: [
            "BrickIMAP", "BrickMessage", "BrickCore", "BrickTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "BrickSyncTests", dependencies: [
            "BrickSync", "BrickStore", "BrickMaildir", "BrickCore", .product(name: "Logging", package: "swift-log"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "BrickRestoreTests", dependencies: [
            "BrickRestore", "BrickStore", "BrickMessage", "BrickCore", "BrickMaildir", "BrickCalendar", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "BrickCommandsTests", dependencies: [
            "BrickCommands", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "BrickSiteTests", dependencies: ["BrickSite", "BrickTestSupport"]),
        .testTarget(name: "BrickCalendarTests", dependencies: ["BrickCalendar", "BrickCore", "BrickTestSupport"]),
        .testTarget(name: "BrickDAVTests", dependencies: [
            "BrickDAV", "BrickCore", "BrickStore", "BrickSync", "BrickRestore", "BrickMaildir", "BrickTestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: [
            "BrickCore", "BrickStore", "BerkeleyDB", "BrickBundle", "BrickOffsite", "BrickRestore", "BrickSite", "BrickTestSupport", .product(name: "Crypto", package: "swift-crypto"),
        ]),
    ]
)
