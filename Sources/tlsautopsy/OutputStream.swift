import AutopsyFlow
import AutopsyReport
import Glibc

/// Buffered writing to stdout (or another descriptor), in large gathered writes (and at
/// the end).
///
/// Short pieces are copied into one block allocated once. The runs of a flow line rendered
/// ahead (its own bytes, and the runs it shares with other lines: a hello's lists,
/// certificate objects) are not copied when they are at least `referenceThreshold` bytes
/// long: their arrays are kept by reference and written from where they lie with `writev`,
/// between the block's bytes, in order. Such a line mostly waited for an earlier flow to
/// end and lies in memory no cache holds any more: copying it read all of it again, about
/// 3 KB and 50 cache misses a line on the handshake benchmark.
final class OutputStream {
    /// Bytes gathered in the block before everything is written.
    static let capacity = 1 << 16
    /// Runs at least this long are written from where they lie; shorter ones are copied.
    static let referenceThreshold = 256
    /// Pieces gathered at most before they are written (`writev` takes up to 1,024).
    static let maxPieces = 512
    /// Arrays kept by reference at most before they are written.
    static let maxKept = 256

    /// A piece of what is to be written: bytes of the block (`array` -1) or of an array kept.
    struct Piece {
        var array: Int32
        var start: Int32
        var end: Int32
    }

    /// Writes the vectors given (`writev`'s contract: bytes written, or -1 and `errno`).
    typealias VectorWriter = (UnsafePointer<iovec>, Int32) -> Int

    private let block = UnsafeMutableRawBufferPointer.allocate(byteCount: OutputStream.capacity, alignment: 16)
    private var count = 0
    /// Where the block's bytes not yet in `pieces` begin.
    private var blockStart = 0
    private var pieces: [Piece] = []
    /// The arrays pieces lie in, kept until they are written.
    private var kept: [[UInt8]] = []
    /// Gatherings written so far (`flush` calls).
    private var gatherings = 0
    /// The kept arrays' bytes while they are borrowed for a write.
    private let borrowed = UnsafeMutablePointer<UnsafeRawBufferPointer>.allocate(capacity: OutputStream.maxKept)
    private let vectors = UnsafeMutablePointer<iovec>.allocate(capacity: OutputStream.maxPieces)
    private let writeVectors: VectorWriter

    /// The writer of flow lines, reused line after line.
    private var json = JSONWriter()

    /// A stream to `descriptor` (stdout by default).
    convenience init(descriptor: Int32 = STDOUT_FILENO) {
        self.init { Glibc.writev(descriptor, $0, $1) }
    }

    /// A stream whose gathered writes go to `writer` (tests: short writes, failures).
    init(writer: @escaping VectorWriter) {
        writeVectors = writer
        pieces.reserveCapacity(Self.maxPieces)
        kept.reserveCapacity(Self.maxKept)
    }

    deinit {
        block.deallocate()
        borrowed.deallocate()
        vectors.deallocate()
    }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { put(UnsafeRawBufferPointer($0)) }
    }

    /// Writes one flow as one NDJSON line.
    func writeFlow(_ record: FlowRecord) {
        // A line rendered ahead goes out from where it lies; another is written here.
        if let line = record.renderedJSON?.line {
            // The index of the line's own bytes in `kept`, and the gathering that kept them.
            var own = -1
            var ownGathering = gatherings
            line.forEachPiece { array, range, isOwn in
                guard range.count >= Self.referenceThreshold else {
                    array.withUnsafeBytes { put(UnsafeRawBufferPointer(rebasing: $0[range])) }
                    return
                }
                // Room for this piece, the block's before it and the array, or all is written.
                if pieces.count + 2 > Self.maxPieces || kept.count == Self.maxKept { flush() }
                // The own bytes are kept once a gathering: again when everything was written
                // since (the index named another gathering's array).
                if !isOwn || own < 0 || ownGathering != gatherings {
                    kept.append(array)
                    if isOwn { (own, ownGathering) = (kept.count - 1, gatherings) }
                }
                sealBlock()
                pieces.append(
                    Piece(
                        array: Int32(truncatingIfNeeded: isOwn ? own : kept.count - 1),
                        start: Int32(truncatingIfNeeded: range.lowerBound),
                        end: Int32(truncatingIfNeeded: range.upperBound)))
            }
        } else {
            json.removeAll()
            FlowJSON.write(record, to: &json)
            json.withBytes { put(UnsafeRawBufferPointer($0)) }
        }
        withUnsafeBytes(of: UInt8(ascii: "\n")) { put($0) }
    }

    /// Appends `bytes` to the block, everything gathered written out each time it fills.
    private func put(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes
        while let source = rest.baseAddress, !rest.isEmpty, let target = block.baseAddress {
            if count == Self.capacity || pieces.count + 1 >= Self.maxPieces { flush() }
            let taken = min(rest.count, Self.capacity - count)
            (target + count).copyMemory(from: source, byteCount: taken)
            count += taken
            rest = UnsafeRawBufferPointer(rebasing: rest[taken...])
        }
    }

    /// Makes the block's bytes gathered since the last piece a piece.
    private func sealBlock() {
        guard count > blockStart else { return }
        pieces.append(
            Piece(array: -1, start: Int32(truncatingIfNeeded: blockStart), end: Int32(truncatingIfNeeded: count)))
        blockStart = count
    }

    /// Writes everything gathered, in order, and lets go of the arrays kept.
    func flush() {
        sealBlock()
        if !pieces.isEmpty { borrow(0) }
        pieces.removeAll(keepingCapacity: true)
        kept.removeAll(keepingCapacity: true)
        gatherings &+= 1
        count = 0
        blockStart = 0
    }

    /// Borrows the bytes of `kept[level...]`, each for as long as the write lasts (one nested
    /// access an array), then writes every piece.
    private func borrow(_ level: Int) {
        guard level < kept.count, level < Self.maxKept else {
            writePieces(borrowedCount: level)
            return
        }
        kept[level].withUnsafeBytes { bytes in
            borrowed[level] = bytes
            borrow(level + 1)
        }
    }

    /// Points a vector at each piece (the first `borrowedCount` kept arrays borrowed) and
    /// writes them all.
    private func writePieces(borrowedCount: Int) {
        let total = min(pieces.count, Self.maxPieces)
        for index in 0..<total {
            let piece = pieces[index]
            let bytes: UnsafeRawBufferPointer
            if piece.array < 0 {
                bytes = UnsafeRawBufferPointer(block)
            } else if Int(piece.array) < borrowedCount {
                bytes = borrowed[Int(piece.array)]
            } else {
                // Never: every array a piece names is kept, and borrowed here.
                bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            }
            let range = (Int(piece.start)..<Int(piece.end)).clamped(to: 0..<bytes.count)
            let part = UnsafeRawBufferPointer(rebasing: bytes[range])
            vectors[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: part.baseAddress), iov_len: part.count)
        }
        writeAll(total)
    }

    /// Writes `vectors[0..<total]` whole, resuming after short writes; gives up on an error
    /// (a closed pipe: nothing more can be said there).
    private func writeAll(_ total: Int) {
        var first = 0
        while first < total {
            if vectors[first].iov_len == 0 {
                first += 1
                continue
            }
            let written = writeVectors(vectors + first, Int32(total - first))
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            var left = written
            while first < total, left >= vectors[first].iov_len {
                left -= vectors[first].iov_len
                first += 1
            }
            if left > 0, first < total {
                vectors[first].iov_base = vectors[first].iov_base.map { $0 + left }
                vectors[first].iov_len -= left
            }
        }
    }
}
