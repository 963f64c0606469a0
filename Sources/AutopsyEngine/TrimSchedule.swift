/// When the reading thread gives free memory back to the system
/// (`autopsy_release_free_memory`: jemalloc's purge in the command, glibc's `malloc_trim` in
/// the fuzz build and the micro-benchmarks): at a new capture second, once `minimumPackets`
/// packets have come since the last time.
///
/// Under glibc, the shards' arenas kept what the reading thread freed of their records as
/// holes, and trimming them once a second lowered the peak by 1.3 MB on hs200k with two
/// threads; jemalloc gives freed pages back by itself (its decay), and the purge is there for
/// what a live capture's burst took when no allocation follows. Either walks every arena, so
/// it is never done per packet: a capture whose every packet starts a new second (a slow
/// trickle, or crafted timestamps) still releases once per `minimumPackets` packets at most.
struct TrimSchedule {
    /// Packets between two trims, at least.
    static let minimumPackets = 32_768
    private var packets = 0

    /// Counts one packet; true when memory should be trimmed now. `tick`: the packet
    /// starts a new capture second.
    mutating func packet(tick: Bool) -> Bool {
        packets &+= 1
        guard tick, packets >= Self.minimumPackets else { return false }
        packets = 0
        return true
    }
}
