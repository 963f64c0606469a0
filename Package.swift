// swift-tools-version: 6.1
import PackageDescription

/// Release builds let the optimizer see across the project's own targets: the packet path
/// runs through generic code (the flow table over its handler) that must be specialized.
/// They also leave out the run-time exclusivity checks (two calls into the Swift runtime per
/// access to a class's stored property: 4 % of the instructions on the handshake benchmark).
/// The compile-time checks stay; debug builds, so every test, and the fuzz build (Makefile)
/// keep the run-time ones.
let crossModule: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "tlsautopsy",
    products: [
        .executable(name: "tlsautopsy", targets: ["tlsautopsy"]),
        // The libraries, for the nested fuzz (Tests/Fuzz) and benchmark (Tests/Benchmarks) packages; not an API.
        .library(
            name: "AutopsyLibraries",
            targets: ["AutopsyPackets", "AutopsyTCP", "AutopsyTLS", "AutopsyFlow", "AutopsyEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // Pure targets: the hostile-input boundary. They import nothing, not even Foundation.
        .target(name: "AutopsyPackets", swiftSettings: crossModule),
        .target(name: "AutopsyTCP", dependencies: ["AutopsyPackets"], swiftSettings: crossModule),
        .target(name: "AutopsyTLS", swiftSettings: crossModule),
        // The only code that touches libpcap.
        .systemLibrary(name: "CLibpcap", providers: [.apt(["libpcap-dev"])]),
        // The allocator's settings and its give-back of free memory (jemalloc in the command,
        // glibc's elsewhere): Sources/CAllocator/allocator.c says why.
        .target(name: "CAllocator"),
        .target(name: "AutopsyCapture", dependencies: ["CLibpcap", "AutopsyPackets"], swiftSettings: crossModule),
        // Certificate summaries and chain checks: the only target that imports swift-certificates.
        .target(
            name: "AutopsyX509",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                "AutopsyPackets",
            ], swiftSettings: crossModule),
        // Per-flow sessions and the flow record.
        .target(
            name: "AutopsyFlow",
            dependencies: [
                "AutopsyPackets", "AutopsyTCP", "AutopsyTLS", "AutopsyX509",
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: crossModule),
        .target(
            name: "AutopsyDiagnosis", dependencies: ["AutopsyFlow", "AutopsyPackets", "AutopsyTLS", "AutopsyX509"],
            swiftSettings: crossModule),
        .target(
            name: "AutopsyReport",
            dependencies: ["AutopsyFlow", "AutopsyDiagnosis", "AutopsyPackets", "AutopsyTLS", "AutopsyX509"],
            swiftSettings: crossModule),
        .target(
            name: "AutopsyEngine",
            dependencies: [
                "AutopsyCapture", "AutopsyPackets", "AutopsyTCP", "AutopsyFlow", "AutopsyDiagnosis", "AutopsyX509",
                "AutopsyReport", "CAllocator",
            ], swiftSettings: crossModule),
        .executableTarget(
            name: "tlsautopsy",
            dependencies: [
                "AutopsyEngine", "AutopsyFlow", "AutopsyReport", "AutopsyTCP", "AutopsyDiagnosis", "AutopsyX509",
                "CAllocator", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: crossModule,
            // jemalloc (Debian's libjemalloc-dev), which then serves every allocation of the
            // process, libpcap's and libc's included.
            linkerSettings: [.linkedLibrary("jemalloc")]),

        .testTarget(name: "AutopsyPacketsTests", dependencies: ["AutopsyPackets", "AutopsyTestSupport"]),
        .testTarget(name: "AutopsyTCPTests", dependencies: ["AutopsyTCP", "AutopsyTestSupport"]),
        .testTarget(name: "AutopsyTLSTests", dependencies: ["AutopsyTLS", "AutopsyTestSupport"]),
        .testTarget(name: "AutopsyCaptureTests", dependencies: ["AutopsyCapture"]),
        .testTarget(
            name: "AutopsyX509Tests",
            dependencies: [
                "AutopsyX509", "AutopsyEngine", "AutopsyFlow", "AutopsyPackets", "AutopsyTestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        .target(name: "AutopsyTestSupport", path: "Tests/AutopsyTestSupport"),
        .testTarget(name: "AutopsyFlowTests", dependencies: ["AutopsyFlow", "AutopsyEngine", "AutopsyTestSupport"]),
        .testTarget(name: "AutopsyReportTests", dependencies: ["AutopsyReport", "AutopsyFlow", "AutopsyTLS"]),
        .testTarget(
            name: "AutopsyDiagnosisTests",
            dependencies: ["AutopsyDiagnosis", "AutopsyEngine", "AutopsyFlow", "AutopsyTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["tlsautopsy", "AutopsyTestSupport"]),
        .testTarget(
            name: "GoldenTests",
            dependencies: ["AutopsyEngine", "AutopsyFlow", "AutopsyReport", "AutopsyTestSupport"]),
        .testTarget(
            name: "AutopsyEngineTests",
            dependencies: ["AutopsyEngine", "AutopsyFlow", "AutopsyReport", "AutopsyTCP", "AutopsyTestSupport"]),
    ]
)
