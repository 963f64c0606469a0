// One libFuzzer binary for every target: `autopsy-fuzz TARGET [libFuzzer options] [CORPUS...]`.
// Built with `-sanitize=fuzzer,address`; a broken invariant aborts so that libFuzzer keeps the input.
import AutopsyEngine
import AutopsyFlow
import AutopsyPackets
import AutopsyTCP
import AutopsyTLS
import Glibc

/// The targets, by the name given on the command line (and the seed directory's name).
let targets: [String: ([UInt8]) -> [String]] = [
    "records": { TLSFuzzTargets.records($0).violations },
    "client-hello": { FlowFuzzTargets.clientHello($0).violations },
    "server-hello": { FlowFuzzTargets.serverHello($0).violations },
    "certificate": { FlowFuzzTargets.certificate($0).violations },
    "packet": { PacketFuzzTargets.decode($0).violations },
    "tcp": { TCPFuzzTargets.reassemble($0) },
    "pipeline": { EngineFuzzTargets.pipeline($0).outcome.violations },
]

/// Writes a line to standard error (fd 2: `stderr` is shared mutable state to Swift 6).
func printError(_ message: String) {
    let line = message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

nonisolated(unsafe) var selected: ([UInt8]) -> [String] = { _ in [] }

/// libFuzzer's driver: parses the options in argv and calls `callback` for each input.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Runs the selected target on one input; a broken invariant aborts (libFuzzer saves the input).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = selected(bytes)
    if !violations.isEmpty {
        printError("invariant broken: \(violations.joined(separator: "; "))")
        abort()
    }
    return 0
}

var arguments = CommandLine.arguments
guard arguments.count >= 2, let target = targets[arguments[1]] else {
    let names = targets.keys.sorted().joined(separator: ", ")
    printError("usage: autopsy-fuzz TARGET [libFuzzer options] [CORPUS ...]\ntargets: \(names)")
    exit(2)
}
selected = target
arguments.remove(at: 1)
var cStrings: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
var argc = Int32(arguments.count)
let status = cStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv = buffer.baseAddress
    return runFuzzerDriver(&argc, &argv) { data, size in testOneInput(data, size) }
}
exit(status)
