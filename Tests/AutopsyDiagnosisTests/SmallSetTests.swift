import Testing

@testable import AutopsyDiagnosis

/// The profiles' small sets (two values inline, more in an array) and the keyed values
/// beside their index.
@Suite struct SmallSetTests {
    @Test(arguments: [0, 1, 2, 3, 7])
    func keepsDistinctValuesInFirstSeenOrder(distinct: Int) {
        var set = SmallSet<String>()
        let values = (0..<distinct).map { "name-\($0)" }
        for value in values + values.reversed() + values { set.insert(value) }
        #expect(Array(set) == values)
        #expect(set.count == distinct)
        #expect(values.allSatisfy(set.contains))
        #expect(!set.contains("other"))
        #expect(set.isDisjoint(with: ["other", "another"]))
        #expect(set.isDisjoint(with: values) == values.isEmpty)
        #expect(set.sorted() == values.sorted())
    }

    @Test func keyedValuesStopAddingAtCapacityButKeepUpdating() {
        var table = KeyedValues<Int, Int>()
        for key in 0..<10 {
            table.update(key, capacity: 4, initial: 100) { $0 += key }
        }
        #expect(table.count == 4)
        #expect(table[3] == 103)
        #expect(table[4] == nil)
        #expect(table.update(2, capacity: 4, initial: 0) { $0 += 1 })
        #expect(table[2] == 103)
        #expect(!table.update(11, capacity: 4, initial: 0) { $0 += 1 })
    }
}
