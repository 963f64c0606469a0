/// Backward-shift deletion for the open-addressing tables with linear probing
/// (`TombstoneTable`, `FlowIndex`): once the entry at a place is emptied, each entry after it
/// in the same run that may sit in the hole moves back into it, so that no later probe stops
/// early at the hole. The table does the moves (its entries may live in parallel arrays);
/// this says which.
struct BackwardShift {
    private var hole: Int
    private var next: Int
    private let mask: Int

    /// The shift after emptying `place` of a table of `mask + 1` places.
    init(emptied place: Int, mask: Int) {
        hole = place
        next = (place + 1) & mask
        self.mask = mask
    }

    /// The next move, from a place to the hole (which the table then empties in turn), or nil
    /// when the run ends. `isFree(place)` tells an empty place; `home(place)` the first place
    /// its entry probes.
    mutating func nextMove(isFree: (Int) -> Bool, home: (Int) -> Int) -> (from: Int, to: Int)? {
        while !isFree(next) {
            let from = next
            next = (next + 1) & mask
            // The entry may move to the hole when its home is not in (hole, from], cyclically.
            if (from &- home(from)) & mask >= (from &- hole) & mask {
                defer { hole = from }
                return (from, hole)
            }
        }
        return nil
    }
}
