import AutopsyFlow
import AutopsyPackets

/// Puts finished flow records back in the order the flows began.
///
/// Flows end in any order; the report lists them by id (order of first packet). A
/// finished record waits here until every earlier flow has finished. The wait is
/// bounded: when more than `maxWaiting` records, or more than `maxWaitingBytes` of rendered
/// lines, wait behind flows still open, those open flows are passed over and reported when
/// they end, after later ones (counted in `reportedLate`). Memory stays bounded whatever the
/// capture holds.
///
/// A record already rendered to its NDJSON line waits as a small entry (its line, id,
/// outcome and diagnoses), not as a whole record.
struct EmissionQueue {
    /// A record that rendered its line, reduced to its line and the fields a caller may read
    /// besides it (id, endpoints, times, outcome, diagnoses).
    struct Compact {
        var sequence: UInt64
        var id: Int
        var firstTimestamp: Timestamp
        var lastTimestamp: Timestamp
        var firstFrame: UInt64
        var lastFrame: UInt64
        var client: Endpoint
        var server: Endpoint
        var vlan: [Int]
        var outcome: Outcome
        var established: Bool
        var resumed: Bool
        var diagnoses: [Diagnosis]
        var line: JSONRuns

        /// The entry of a record that rendered its line; nil for one that did not.
        init?(_ record: borrowing FlowRecord) {
            guard let line = record.renderedJSON?.line else { return nil }
            sequence = record.sequence
            id = record.id
            firstTimestamp = record.firstTimestamp
            lastTimestamp = record.lastTimestamp
            firstFrame = record.firstFrame
            lastFrame = record.lastFrame
            client = record.client
            server = record.server
            vlan = record.vlan
            outcome = record.outcome
            established = record.established
            resumed = record.resumed
            diagnoses = record.diagnoses
            self.line = line
        }

        /// Makes `record` (a record whose other fields were never set) this entry's record:
        /// the fields a caller may read, and the line.
        func fill(_ record: inout FlowRecord) {
            record.sequence = sequence
            record.id = id
            record.firstTimestamp = firstTimestamp
            record.lastTimestamp = lastTimestamp
            record.firstFrame = firstFrame
            record.lastFrame = lastFrame
            record.client = client
            record.server = server
            record.vlan = vlan
            record.outcome = outcome
            record.established = established
            record.resumed = resumed
            record.diagnoses = diagnoses
            record.renderedJSON = RenderedJSON(line: line)
        }
    }

    enum Pending {
        case unreported
        /// A record not rendered ahead (text output), whole: one reference to its box.
        case whole(FlowRecord)
        case compact(Compact)

        var bytes: Int {
            if case .compact(let compact) = self { return compact.line.count }
            return 0
        }
    }

    /// The records waiting, by id: ids are dense, and every id waiting lies in
    /// `nextID ..< nextID + ring.count`, so `ring[id & (ring.count - 1)]` holds the place in
    /// `entries` of the record of `id` (-1: none). A dictionary cost a hash per lookup and
    /// rehashed its neighbours on every removal.
    private var ring = [Int32](repeating: -1, count: 1_024)
    private var entries: [Pending] = []
    private var freeEntries: [Int32] = []
    private var waitingCount = 0
    private var waitingBytes = 0
    private(set) var nextID = 1
    private(set) var reportedLate = 0
    let maxWaiting: Int
    let maxWaitingBytes: Int
    /// The record a compact entry is handed out as, its fields overwritten entry after entry:
    /// building a whole record per entry, then tearing it down, cost more than the rest of the
    /// entry's way through the queue. A caller that keeps a record it was handed keeps its own
    /// copy (the next entry's fields go into a box of the shell's own).
    private var shell = FlowRecord(
        sequence: 0, firstTimestamp: .zero, firstFrame: 0, client: Endpoint(ip: IPAddress(ipv4: 0), port: 0),
        server: Endpoint(ip: IPAddress(ipv4: 0), port: 0), vlan: [])

    init(maxWaiting: Int, maxWaitingBytes: Int = 6 << 20) {
        self.maxWaiting = maxWaiting
        self.maxWaitingBytes = maxWaitingBytes
    }

    /// Hands a waiting entry's record to `emit`, if the flow is reported.
    private mutating func hand(_ pending: Pending, _ emit: (FlowRecord) -> Void) {
        switch pending {
        case .unreported: return
        case .whole(let record): emit(record)
        case .compact(let compact):
            compact.fill(&shell)
            emit(shell)
        }
    }

    /// Records that flow `id` ended and is reported with `record`.
    mutating func finished(_ id: Int, _ record: FlowRecord, emit: (FlowRecord) -> Void) {
        // An id below `nextID` was passed over (or its place went by in a `flush`): out at
        // once, late. So every id that waits is at least `nextID`.
        if id < nextID {
            reportedLate += 1
            return emit(record)
        }
        // Next in line: out at once, without waiting as a compact entry.
        if id == nextID {
            emit(record)
            nextID += 1
            return drain(emit)
        }
        wait(id, Compact(record).map { .compact($0) } ?? .whole(record), emit)
    }

    /// Records that flow `id` ended and is not reported.
    mutating func finishedUnreported(_ id: Int, emit: (FlowRecord) -> Void) {
        if id < nextID { return }
        if id == nextID {
            nextID += 1
            return drain(emit)
        }
        wait(id, .unreported, emit)
    }

    private mutating func wait(_ id: Int, _ pending: consuming Pending, _ emit: (FlowRecord) -> Void) {
        waitingBytes += pending.bytes
        place(id, pending)
        drain(emit)
        if waitingCount > maxWaiting || waitingBytes > maxWaitingBytes { passOverOpenFlows(emit) }
    }

    /// Emits everything still waiting, in id order, once every flow up to `lastID` has
    /// finished (end of a capture file).
    mutating func flush(through lastID: Int, _ emit: (FlowRecord) -> Void) {
        var id = nextID
        while waitingCount > 0 {
            if let entry = take(id) { hand(entry, emit) }
            id += 1
        }
        entries.removeAll()
        freeEntries.removeAll()
        waitingBytes = 0
        nextID = max(id, lastID + 1)
    }

    private mutating func drain(_ emit: (FlowRecord) -> Void) {
        while let entry = take(nextID) {
            waitingBytes -= entry.bytes
            hand(entry, emit)
            nextID += 1
        }
    }

    /// Passes over the flows still open below the lowest id waiting. Every waiting id is at
    /// least `nextID`, so the lowest is the first id upward from `nextID` that waits: each id
    /// is stepped over once in a whole run, instead of a search of all waiting ids per flow.
    private mutating func passOverOpenFlows(_ emit: (FlowRecord) -> Void) {
        guard waitingCount > 0 else { return }
        while ring[nextID & (ring.count - 1)] < 0 { nextID += 1 }
        drain(emit)
    }

    /// Keeps `pending` as the record of `id` (at least `nextID`, not waiting yet), the ring
    /// grown first when `id` lies past its span.
    private mutating func place(_ id: Int, _ pending: consuming Pending) {
        if id - nextID >= ring.count { grow(toHold: id) }
        let entry: Int32
        if let free = freeEntries.popLast() {
            entry = free
            entries[Int(free)] = pending
        } else {
            entry = Int32(truncatingIfNeeded: entries.count)
            entries.append(pending)
        }
        ring[id & (ring.count - 1)] = entry
        waitingCount += 1
    }

    /// The record of `id`, no longer waiting; nil when none waits for it.
    private mutating func take(_ id: Int) -> Pending? {
        let position = id & (ring.count - 1)
        let entry = Int(ring[position])
        guard entry >= 0, entry < entries.count else { return nil }
        ring[position] = -1
        waitingCount -= 1
        // Moved out, `.unreported` (which holds nothing) left in its place: a copy would
        // retain everything the entry holds, and the overwrite release it all again.
        var pending = Pending.unreported
        swap(&pending, &entries[entry])
        // The place is free from now on (in `freeEntries`).
        freeEntries.append(Int32(truncatingIfNeeded: entry))
        return pending
    }

    /// Doubles the ring until ids `nextID ... id` fit, every waiting id moved to its place.
    private mutating func grow(toHold id: Int) {
        var size = ring.count
        while id - nextID >= size { size *= 2 }
        var larger = [Int32](repeating: -1, count: size)
        for offset in 0..<ring.count {
            let waitingID = nextID + offset
            let entry = ring[waitingID & (ring.count - 1)]
            if entry >= 0 { larger[waitingID & (size - 1)] = entry }
        }
        ring = larger
    }
}
