// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "tlsautopsy",
    products: [
        .executable(name: "tlsautopsy", targets: ["tlsautopsy"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // Pure targets: the hostile-input boundary. They import nothing, not even Foundation.
        .target(name: "AutopsyPackets"),
        .target(name: "AutopsyTCP", dependencies: ["AutopsyPackets"]),
        .target(name: "AutopsyTLS"),
        // The only code that touches libpcap.
        .systemLibrary(name: "CLibpcap", providers: [.apt(["libpcap-dev"])]),
        .target(name: "AutopsyCapture", dependencies: ["CLibpcap", "AutopsyPackets"]),
        // Per-flow sessions and the flow record.
        .target(
            name: "AutopsyFlow",
            dependencies: [
                "AutopsyPackets", "AutopsyTCP", "AutopsyTLS", .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(name: "AutopsyDiagnosis", dependencies: ["AutopsyFlow", "AutopsyPackets", "AutopsyTLS"]),
        .target(name: "AutopsyReport", dependencies: ["AutopsyFlow", "AutopsyDiagnosis", "AutopsyPackets", "AutopsyTLS"]),
        .target(
            name: "AutopsyEngine",
            dependencies: ["AutopsyCapture", "AutopsyPackets", "AutopsyTCP", "AutopsyFlow", "AutopsyDiagnosis"]),
        .executableTarget(
            name: "tlsautopsy",
            dependencies: [
                "AutopsyEngine", "AutopsyFlow", "AutopsyReport", "AutopsyTCP", "AutopsyDiagnosis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "AutopsyPacketsTests", dependencies: ["AutopsyPackets"]),
        .testTarget(name: "AutopsyTCPTests", dependencies: ["AutopsyTCP"]),
        .testTarget(name: "AutopsyTLSTests", dependencies: ["AutopsyTLS", "AutopsyTestSupport"]),
        .testTarget(name: "AutopsyCaptureTests", dependencies: ["AutopsyCapture"]),
        .target(name: "AutopsyTestSupport", path: "Tests/AutopsyTestSupport"),
        .testTarget(name: "AutopsyFlowTests", dependencies: ["AutopsyFlow", "AutopsyEngine", "AutopsyTestSupport"]),
        .testTarget(name: "AutopsyReportTests", dependencies: ["AutopsyReport", "AutopsyFlow"]),
        .testTarget(
            name: "AutopsyDiagnosisTests",
            dependencies: ["AutopsyDiagnosis", "AutopsyEngine", "AutopsyFlow", "AutopsyTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["tlsautopsy", "AutopsyTestSupport"]),
        .testTarget(
            name: "GoldenTests",
            dependencies: ["AutopsyEngine", "AutopsyFlow", "AutopsyReport", "AutopsyTestSupport"]),
        .testTarget(
            name: "AutopsyEngineTests",
            dependencies: ["AutopsyEngine", "AutopsyFlow", "AutopsyTestSupport"]),
    ]
)
