// swift-tools-version: 6.1
// libFuzzer drivers for tlsautopsy's hostile-input boundaries. The harness bodies live in
// the libraries (the `*FuzzTargets` enums), so `swift test` replays Fixtures/fuzz-seeds/;
// this package only wraps them. Build and run with `make fuzz` (see the Makefile).
import PackageDescription

// The repository root, two levels up; a path dependency is named by its directory.
let rootComponents = Context.packageDirectory.split(separator: "/").dropLast(2)
let rootPath = "/" + rootComponents.joined(separator: "/")
let rootName = String(rootComponents.last ?? "tlsautopsy")

let package = Package(
    name: "tlsautopsy-fuzz",
    dependencies: [
        .package(path: rootPath)
    ],
    targets: [
        .executableTarget(
            name: "autopsy-fuzz",
            dependencies: [.product(name: "AutopsyLibraries", package: rootName)])
    ]
)
