// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for Brick's parsers and decoders (docs/RELIABILITY.md "Fuzzing").
// A package of its own so that the main `swift build` and `swift test` never see
// them: each target's directory links to the real source files it fuzzes, and
// everything is built with `--sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address`
// (libFuzzer provides `main`). Not `--sanitize=fuzzer --sanitize=address`: SwiftPM
// passes the two in an arbitrary order and, with address last, swiftc leaves out the
// coverage instrumentation. Build and run through tools/fuzz.
let package = Package(
    name: "BrickFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4"),
        .systemLibrary(name: "CXXHash", path: "Sources/CXXHash", pkgConfig: "libxxhash"),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0"),
        .target(name: "LZ4", dependencies: ["CLZ4", "CXXHash"]),
        .target(name: "BrickCore"),
        .target(name: "BrickMessage", dependencies: ["BrickCore", .product(name: "Crypto", package: "swift-crypto")]),

        .target(name: "XXHash", dependencies: ["CXXHash"]),
        .target(name: "BrickBundle", dependencies: ["XXHash", .product(name: "Crypto", package: "swift-crypto")]),

        .executableTarget(name: "fuzz-item-value", dependencies: ["BrickCore", "LZ4"]),
        .executableTarget(name: "fuzz-bundle", dependencies: ["BrickBundle"]),
        .executableTarget(name: "fuzz-lz4-frame", dependencies: ["LZ4"]),
        .executableTarget(name: "fuzz-imap-response", dependencies: [
            "BrickCore", "BrickMessage", .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .executableTarget(name: "fuzz-message-header", dependencies: ["BrickMessage"]),
        .executableTarget(name: "fuzz-message-text", dependencies: ["BrickMessage"]),
        .executableTarget(name: "fuzz-maildir-name", dependencies: ["BrickCore"]),
        .executableTarget(name: "fuzz-modified-utf7", dependencies: ["BrickCore"]),
        .executableTarget(name: "fuzz-folder-path", dependencies: ["BrickCore"]),
        .target(name: "BrickCalendar", dependencies: ["BrickCore"]),
        .executableTarget(name: "fuzz-dav-item", dependencies: ["BrickCalendar"]),
        .executableTarget(name: "fuzz-dav-multistatus", dependencies: ["BrickCore", "CLibXML2"]),
        .executableTarget(name: "fuzz-sieve-response"),
    ]
)
