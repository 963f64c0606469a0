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
        var line: [UInt8]

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

        var record: FlowRecord {
            var record = FlowRecord(
                sequence: sequence, firstTimestamp: firstTimestamp, firstFrame: firstFrame, client: client,
                server: server, vlan: vlan)
            record.id = id
            record.outcome = outcome
            record.established = established
            record.resumed = resumed
            record.lastTimestamp = lastTimestamp
            record.lastFrame = lastFrame
            record.diagnoses = diagnoses
            record.renderedJSON = RenderedJSON(line: line)
            return record
        }
    }

    enum Pending {
        case unreported
        /// A record not rendered ahead (text output), whole: one reference to its box.
        case whole(FlowRecord)
        case compact(Compact)

        /// Hands the record to `emit`, if the flow is reported.
        func emit(_ emit: (FlowRecord) -> Void) {
            switch self {
            case .unreported: return
            case .whole(let record): emit(record)
            case .compact(let compact): emit(compact.record)
            }
        }

        var bytes: Int {
            if case .compact(let compact) = self { return compact.line.count }
            return 0
        }
    }

    private var waiting: [Int: Pending] = [:]
    private var waitingBytes = 0
    private(set) var nextID = 1
    private(set) var reportedLate = 0
    let maxWaiting: Int
    let maxWaitingBytes: Int

    init(maxWaiting: Int, maxWaitingBytes: Int = 6 << 20) {
        self.maxWaiting = maxWaiting
        self.maxWaitingBytes = maxWaitingBytes
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

    private mutating func wait(_ id: Int, _ pending: Pending, _ emit: (FlowRecord) -> Void) {
        waitingBytes += pending.bytes
        waiting[id] = pending
        drain(emit)
        if waiting.count > maxWaiting || waitingBytes > maxWaitingBytes { passOverOpenFlows(emit) }
    }

    /// Emits everything still waiting, in id order, once every flow up to `lastID` has
    /// finished (end of a capture file).
    mutating func flush(through lastID: Int, _ emit: (FlowRecord) -> Void) {
        for id in waiting.keys.sorted() { waiting[id]?.emit(emit) }
        waiting.removeAll()
        waitingBytes = 0
        nextID = max(nextID, lastID + 1)
    }

    private mutating func drain(_ emit: (FlowRecord) -> Void) {
        while let entry = waiting.removeValue(forKey: nextID) {
            waitingBytes -= entry.bytes
            entry.emit(emit)
            nextID += 1
        }
    }

    /// Passes over the flows still open below the lowest id waiting. Every waiting id is at
    /// least `nextID`, so the lowest is the first id upward from `nextID` that waits: each id
    /// is stepped over once in a whole run, instead of a search of all waiting ids per flow.
    private mutating func passOverOpenFlows(_ emit: (FlowRecord) -> Void) {
        guard !waiting.isEmpty else { return }
        while waiting[nextID] == nil { nextID += 1 }
        drain(emit)
    }
}
