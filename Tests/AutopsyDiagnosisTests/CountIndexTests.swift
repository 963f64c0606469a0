import Testing

@testable import AutopsyDiagnosis

/// The pattern finder's index of its counts: every count indexed is found again, under its
/// own server only, after the table grew; nothing else is found.
@Suite struct CountIndexTests {
    /// A stand-in for the finder's pool: the server and key held at each place.
    struct Pool {
        var held: [(server: Int, key: UInt32)] = []
        var index = CountIndex()

        mutating func add(server: Int, key: UInt32) {
            held.append((server, key))
            let hash = CountIndex.hash(server: server, key: key)
            if index.isFull {
                let held = self.held
                index.grow { CountIndex.hash(server: held[$0].server, key: held[$0].key) }
            }
            let indexed = index.insert(held.count - 1, hash: hash)
            #expect(indexed)
        }

        func find(server: Int, key: UInt32) -> Int? {
            index.find(hash: CountIndex.hash(server: server, key: key)) {
                held[$0].server == server && held[$0].key == key
            }
        }
    }

    @Test func countsAreFoundUnderTheirOwnServerAfterGrowing() {
        var pool = Pool()
        // The same keys at 300 servers, and 20 keys each: 6,000 counts, the table grown 4 times.
        for server in 0..<300 {
            for value in 0..<20 { pool.add(server: server, key: UInt32(value % 11) << 24 | UInt32(value)) }
        }
        #expect(pool.index.count == 6_000)
        for server in 0..<300 {
            for value in 0..<20 {
                let found = pool.find(server: server, key: UInt32(value % 11) << 24 | UInt32(value))
                #expect(found == server * 20 + value)
            }
        }
        #expect(pool.find(server: 300, key: 0) == nil)
        #expect(pool.find(server: 0, key: 20) == nil)
        #expect(pool.find(server: 5, key: 0x00ff_ffff) == nil)
    }

    /// `candidate` names the place at a key's home only: the place `find` gives when the count
    /// there is the key's, -1 on an empty table or when the home's tag does not agree, and
    /// never a place that was not indexed.
    @Test func aCandidateIsTheHomePlaceFindGivesOrNothing() {
        #expect(CountIndex().candidate(hash: CountIndex.hash(server: 0, key: 0)) == -1)
        var pool = Pool()
        for server in 0..<300 {
            for value in 0..<20 { pool.add(server: server, key: UInt32(value % 11) << 24 | UInt32(value)) }
        }
        var atHome = 0
        for server in 0..<300 {
            for value in 0..<20 {
                let key = UInt32(value % 11) << 24 | UInt32(value)
                let candidate = pool.index.candidate(hash: CountIndex.hash(server: server, key: key))
                #expect(candidate >= -1 && candidate < pool.held.count)
                guard candidate >= 0 else { continue }
                if pool.held[candidate] == (server, key) {
                    atHome += 1
                    #expect(pool.find(server: server, key: key) == candidate)
                }
            }
        }
        // At most three quarters full: most keys lie at their home.
        #expect(atHome > 3_000)
        // A key never indexed: whatever its home names is another count (its check fails).
        for server in 300..<400 {
            let candidate = pool.index.candidate(hash: CountIndex.hash(server: server, key: 7))
            #expect(candidate == -1 || pool.held[candidate].server != server)
        }
    }

    @Test func anEmptyOrFullTableIndexesNothingUntilItGrows() {
        var index = CountIndex()
        #expect(index.find(hash: CountIndex.hash(server: 0, key: 0)) { _ in true } == nil)
        #expect(index.isFull)
        let intoEmpty = index.insert(0, hash: CountIndex.hash(server: 0, key: 0))
        #expect(!intoEmpty)
        index.grow { _ in 0 }
        #expect(!index.isFull)
        let beyond = index.insert(CountIndex.maxPlaces, hash: 1)
        let negative = index.insert(-1, hash: 1)
        let seven = index.insert(7, hash: 1)
        #expect(!beyond && !negative && seven)
        #expect(index.find(hash: 1) { $0 == 7 } == 7)
        #expect(index.count == 1)
    }

    @Test func everyPlaceTheFinderCanMakeFitsAnEntry() {
        #expect(PatternFinder.poolBound < CountIndex.maxPlaces)
        #expect(PatternFinder.maxServers <= Int(UInt16.max) + 1)
    }
}
