// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "tlsautopsy",
    products: [
        .executable(name: "tlsautopsy", targets: ["tlsautopsy"])
    ],
    targets: [
        // Pure targets: the hostile-input boundary. They import nothing, not even Foundation.
        .target(name: "AutopsyPackets"),
        .target(name: "AutopsyTCP", dependencies: ["AutopsyPackets"]),
        .target(name: "AutopsyTLS"),
        // The only code that touches libpcap.
        .systemLibrary(name: "CLibpcap", providers: [.apt(["libpcap-dev"])]),
        .target(name: "AutopsyCapture", dependencies: ["CLibpcap", "AutopsyPackets"]),

        .testTarget(name: "AutopsyPacketsTests", dependencies: ["AutopsyPackets"]),
        .testTarget(name: "AutopsyTCPTests", dependencies: ["AutopsyTCP"]),
        .testTarget(name: "AutopsyTLSTests", dependencies: ["AutopsyTLS"]),
        .testTarget(name: "AutopsyCaptureTests", dependencies: ["AutopsyCapture"]),
    ]
)
