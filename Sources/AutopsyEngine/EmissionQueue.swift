import AutopsyFlow

/// Puts finished flow records back in the order the flows began.
///
/// Flows end in any order; the report lists them by id (order of first packet). A
/// finished record waits here until every earlier flow has finished. The wait is
/// bounded: when more than `maxWaiting` records wait behind flows still open, those open
/// flows are passed over and reported when they end, after later ones (counted in
/// `reportedLate`). Memory stays bounded whatever the capture holds.
struct EmissionQueue {
    private var waiting: [Int: FlowRecord?] = [:]
    private var late: Set<Int> = []
    private(set) var nextID = 1
    private(set) var reportedLate = 0
    let maxWaiting: Int

    init(maxWaiting: Int) {
        self.maxWaiting = maxWaiting
    }

    /// Records that flow `id` ended; `record` is nil when the flow is not reported.
    mutating func finished(_ id: Int, _ record: FlowRecord?, emit: (FlowRecord) -> Void) {
        if late.remove(id) != nil {
            if let record {
                reportedLate += 1
                emit(record)
            }
            return
        }
        waiting[id] = .some(record)
        drain(emit)
        if waiting.count > maxWaiting { passOverOpenFlows(emit) }
    }

    /// Emits everything still waiting, in id order, once every flow up to `lastID` has
    /// finished (end of a capture file).
    mutating func flush(through lastID: Int, _ emit: (FlowRecord) -> Void) {
        for id in waiting.keys.sorted() {
            if let record = waiting[id] ?? nil { emit(record) }
        }
        waiting.removeAll()
        late.removeAll()
        nextID = max(nextID, lastID + 1)
    }

    private mutating func drain(_ emit: (FlowRecord) -> Void) {
        while let entry = waiting.removeValue(forKey: nextID) {
            if let record = entry { emit(record) }
            nextID += 1
        }
    }

    private mutating func passOverOpenFlows(_ emit: (FlowRecord) -> Void) {
        guard let lowest = waiting.keys.min() else { return }
        while nextID < lowest {
            late.insert(nextID)
            nextID += 1
        }
        drain(emit)
    }
}
