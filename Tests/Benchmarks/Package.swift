// swift-tools-version: 6.1
// Micro-benchmarks of tlsautopsy's hot paths with package-benchmark (ordo-one/benchmark):
// wall clock, throughput and malloc counts, checked against the thresholds committed in
// Thresholds/. Run with `make bench-micro` (see the Makefile); whole-capture speed is `make bench`.
import PackageDescription

// The repository root, two levels up; a path dependency is named by its directory.
let rootComponents = Context.packageDirectory.split(separator: "/").dropLast(2)
let rootPath = "/" + rootComponents.joined(separator: "/")
let rootName = String(rootComponents.last ?? "tlsautopsy")

let package = Package(
    name: "tlsautopsy-benchmarks",
    dependencies: [
        .package(path: rootPath),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "AutopsyBenchmarks",
            dependencies: [
                .product(name: "AutopsyLibraries", package: rootName),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AutopsyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")])
    ]
)
