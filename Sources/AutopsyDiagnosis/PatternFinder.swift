import AutopsyFlow
import AutopsyPackets
import AutopsyTLS

/// Finds, for each server with both successes and failures, the client attribute or
/// time window that best separates the failed flows from the successful ones, and states
/// it in words with counts. Memory: counts per server, attribute and value only.
public struct PatternFinder {
    /// The attributes compared, in the order ties are broken.
    /// (11 of them: the counts per flow are found in an `InlineArray` of that size.)
    enum Attribute: String, CaseIterable {
        case clientMaxVersion = "client_max_version"
        case offersTLS13 = "offers_tls13"
        case suiteClass = "suite_class"
        case sniPresent = "sni_present"
        case alpn = "alpn"
        case groups = "groups"
        case ja4 = "ja4"
        case serverCertificate = "server_certificate"
        case clientNetwork = "client_network"
        case vlan = "vlan"
        case timeWindow = "time_window"
    }

    struct Tally {
        var failed: [String: Int] = [:]
        var succeeded: [String: Int] = [:]
    }

    /// 12 bytes: the attribute's code in the top byte of `key`, the value's number below it
    /// (at most `maxValues`, so it fits in 24 bits).
    struct Count {
        var key: UInt32
        var failed: UInt32 = 0
        var succeeded: UInt32 = 0

        init(attribute: UInt8, value: UInt32) { key = Self.key(attribute, value) }

        static func key(_ attribute: UInt8, _ value: UInt32) -> UInt32 {
            UInt32(attribute) << 24 | (value & 0x00ff_ffff)
        }

        var attribute: UInt8 { UInt8(truncatingIfNeeded: key >> 24) }
        var value: UInt32 { key & 0x00ff_ffff }
    }

    /// Flows and failures in one minute.
    struct MinuteCount {
        var minute: Int64
        var flows: UInt32
        var failed: UInt32
    }

    /// What is kept per server while flows are counted: numbers only, text as numbers into
    /// the finder's table of values, so a server costs a few hundred bytes. `patterns()`
    /// expands it into a `ServerTally` for the servers it judges.
    struct Stored {
        var failed: UInt32 = 0
        var succeeded: UInt32 = 0
        /// Per attribute and value, failed and successful flows: the server's chunks of the
        /// finder's `pool`, linked from the first (-1: none yet), the last holding `inLast`.
        var firstChunk: Int32 = -1
        var lastChunk: Int32 = -1
        var inLast = 0
        /// Counts held per attribute (by code), "other" included.
        var valuesHeld = InlineArray<11, UInt16>(repeating: 0)
        /// Per attribute (by code), the count the server's last flow reached, as `key << 32 |
        /// (place + 1)` (0: none). Most attributes take one or a few values per server (its
        /// clients' versions, groups, fingerprints), so a flow finds most of its counts here,
        /// on the lines of the server's tally that it reads anyway, instead of on eleven
        /// lines of the index, each a likely cache miss. A count's place never changes, and a
        /// key that went to "other" goes there for good (the caps only fill), so what is kept
        /// here is what the index would give. (Two per attribute saved no more misses.)
        var recent = InlineArray<11, UInt64>(repeating: 0)
        var failedMaxVersion = 0
        var succeededMinVersion = Int.max
        var failedMaxVersionName: UInt32 = 0
        var succeededMinVersionName: UInt32 = 0
        var firstFailure: Timestamp?
        var lastFailure: Timestamp?
        var minutes: [MinuteCount] = []
        /// Start times of the flows (milliseconds from `eventBase`, see `eventTime`, shifted
        /// left one bit) with the low bit set when the flow failed the way overload does.
        var events: [UInt32] = []
        /// Server certificates (value numbers) with the start of the earliest flow that got each.
        var certificates: [(value: UInt32, first: Timestamp)] = []
        /// The SNI all flows shared (a value number; `noName` when none), until two differ.
        var name: UInt32 = 0
        var sawName = false
        var namesDiffer = false
    }

    /// The counts of one server, as the statements read them.
    struct ServerTally {
        var failed = 0
        var succeeded = 0
        /// The counts as text tables, per attribute.
        var attributes: [Attribute: Tally] = [:]
        /// Version ordinal of the highest offer, per outcome, for threshold statements.
        var failedMaxVersion = 0
        var succeededMinVersion = Int.max
        var failedMaxVersionName = "unknown"
        var succeededMinVersionName = "unknown"
        var firstFailure: Timestamp?
        var lastFailure: Timestamp?
        var minutes: [Int64: (flows: Int, failed: Int)] = [:]
        /// Start times of the flows (nanoseconds since the epoch) and whether each failed the
        /// way overload does (reset, no answer, internal_error), for the time windows.
        var events: [(time: Int64, overloadFailure: Bool)] = []
        /// When each server certificate (leaf SHA-256) was first seen.
        var certificateFirstSeen: [String: Timestamp] = [:]
        /// The SNI all flows shared, nil once two differ (or one had none).
        var name: String?
        var namesDiffer = false
    }

    /// Flows remembered per server for the time windows.
    public static let maxEventsPerServer = 200_000
    /// Flows remembered over all servers for the time windows.
    public static let maxEvents = 262_144
    /// Minutes counted per server.
    public static let maxMinutesPerServer = 10_000
    /// Minutes counted over all servers (16 bytes each).
    public static let maxMinutes = 65_536
    /// Distinct values counted per server and attribute; further ones count as "other".
    public static let maxValuesPerAttribute = 256
    /// Counts (server, attribute and value) held over all servers (12 bytes each).
    public static let maxCounts = 262_144
    /// Server certificates remembered over all servers.
    public static let maxCertificates = 16_384
    /// The value number of "other" in a count past `maxValuesPerAttribute` or `maxCounts`.
    static let otherValue: UInt32 = 0x00ff_ffff

    /// Each server's place in `stored` (a dictionary of small values; the counts lie in an array).
    private var servers: [ServerAddress: Int] = [:]
    private var stored: [Stored] = []
    private var events = 0
    private(set) var countsHeld = 0
    /// The counts of every server, in chunks of `chunkSize` (a server's chunks are linked by
    /// `nextChunk`): one array for all, where an array per server left a quarter of its room
    /// unused and paid an allocation's overhead, thousands of times over.
    private var pool: [Count] = []
    /// Per chunk: the server's next chunk, or -1.
    private var nextChunk: [Int32] = []
    /// Per chunk: the server's place in `stored`.
    private var chunkOwner: [UInt16] = []
    /// Each count's place in the pool, by server and key.
    private var countIndex = CountIndex()
    static let chunkSize = 4
    /// Counts the pool can come to hold: `maxCounts`, plus one "other" count per attribute of
    /// each server, plus a partly filled last chunk per server.
    static let poolBound = maxCounts + maxServers * (Attribute.allCases.count + chunkSize - 1)
    /// Counts the pool has room for.
    var poolCapacity: Int { pool.capacity }
    private(set) var minutesHeld = 0
    private var certificatesHeld = 0
    /// Attribute values seen, as numbers (shared by all servers).
    private var valueIDs: [String: UInt32] = [:]
    /// A value that comes from a number (a client network, a minute, a version, a VLAN),
    /// with its attribute's code.
    struct NumberKey: Hashable {
        var attribute: UInt8
        var isIPv6: Bool
        var number: UInt64
    }

    /// Value numbers by the number their text is made from. These values are numbered
    /// apart from the text ones (a count's key names its attribute, so the two never mix),
    /// and their text is made only for the servers `patterns()` states: a capture of
    /// 200,000 flows holds tens of thousands of client networks.
    private var numbered: [NumberKey: UInt32] = [:]
    /// The numbers of numbered values, by value number.
    private var numberKeys: [NumberKey] = []
    /// Value numbers of the names of the highest versions offered, by version.
    private var versionNames: [UInt32: UInt32] = [:]
    /// Value numbers of the groups lists offered.
    private var groupNumbers: [[NamedGroup]: UInt32] = [:]
    /// Value numbers of the ALPN lists offered.
    private var alpnNumbers: [[[UInt8]]: UInt32] = [:]
    private var values: [String] = []
    /// The last few value numbers of each kind, tried by == before the tables above.
    private var recentNumbers = [RecentEntries<NumberKey, UInt32>](
        repeating: RecentEntries(capacity: 4), count: Attribute.allCases.count)
    private var recentGroups = RecentEntries<[NamedGroup], UInt32>(capacity: 4)
    private var recentALPN = RecentEntries<[[UInt8]]?, UInt32>(capacity: 4)
    private var recentJA4 = RecentEntries<String?, UInt32>(capacity: 8)
    private var recentCertificates = RecentEntries<String?, UInt32>(capacity: 8)
    /// Distinct attribute values kept at most; later ones all count as one value, "other".
    public static let maxValues = 16_384
    /// Servers (address and port) tracked at most; flows to further servers are not counted.
    public static let maxServers = 16_384
    /// The value number standing for "no SNI".
    private static let noName = UInt32.max

    /// An empty finder.
    public init() {}

    /// Counts one flow (only flows with a ClientHello, and a decided or failed outcome).
    public mutating func add(_ flow: FlowRecord) {
        guard flow.hasClientHello, flow.outcome != .partial else { return }
        // Grouped by address and port: the SNI is one of the attributes that may separate
        // failures from successes ("fails only without SNI").
        let key = ServerAddress(flow)
        let position: Int
        if let known = servers[key] {
            position = known
        } else {
            guard stored.count < Self.maxServers else { return }
            position = stored.count
            stored.append(Stored())
            servers[key] = position
        }
        let failed = flow.didFail
        // Taken out of the array while it is updated (and put back after), so that its
        // tables are mutated in place instead of copied on every flow.
        var tally = Stored()
        swap(&tally, &stored[position])
        if failed { tally.failed &+= 1 } else { tally.succeeded &+= 1 }
        // The first flow's name is numbered; a later one is compared with its text, and once
        // two differ no name is looked at again (numbering each flow's name hashed it, in a
        // table of thousands, to learn what the comparison tells).
        if !tally.sawName {
            tally.sawName = true
            tally.name = flow.serverName.map { valueID($0) } ?? Self.noName
        } else if !tally.namesDiffer, !isName(tally.name, flow.serverName) {
            tally.namesDiffer = true
        }
        // The flow's value of each attribute, then where the server counts them.
        var keys = InlineArray<11, UInt32>(repeating: 0)
        for (number, attribute) in Attribute.allCases.enumerated() where number < keys.count {
            let code = UInt8(truncatingIfNeeded: number)
            keys[number] = Count.key(code, valueNumber(attribute, code: code, of: flow))
        }
        let positions = countPositions(server: position, &tally, keys)
        for code in positions.indices {
            let position = positions[code]
            guard position >= 0, position < pool.count else { continue }
            if failed {
                pool[position].failed &+= 1
            } else {
                pool[position].succeeded &+= 1
            }
        }
        let highest = flow.highestOfferedVersion
        let ordinal = highest?.ordinal ?? 0
        let versionKey = highest.map { UInt32($0.rawValue) } ?? UInt32.max
        let versionName: UInt32
        if let known = versionNames[versionKey] {
            versionName = known
        } else {
            versionName = valueID(highest?.description ?? "unknown")
            if versionNames.count < Self.maxValues { versionNames[versionKey] = versionName }
        }
        if failed && ordinal >= tally.failedMaxVersion { tally.failedMaxVersionName = versionName }
        if !failed && ordinal < tally.succeededMinVersion { tally.succeededMinVersionName = versionName }
        if failed {
            tally.failedMaxVersion = max(tally.failedMaxVersion, ordinal)
            tally.firstFailure = tally.firstFailure.map { min($0, flow.firstTimestamp) } ?? flow.firstTimestamp
            tally.lastFailure = tally.lastFailure.map { max($0, flow.firstTimestamp) } ?? flow.firstTimestamp
        } else {
            tally.succeededMinVersion = min(tally.succeededMinVersion, ordinal)
        }
        // The earliest flow that got it, whatever order the flows are counted in (its value
        // number is the one counted above).
        if !flow.certificateSummaries.isEmpty, Self.certificateCode < keys.count {
            let value = keys[Self.certificateCode] & 0x00ff_ffff
            if let index = tally.certificates.firstIndex(where: { $0.value == value }) {
                tally.certificates[index].first = min(tally.certificates[index].first, flow.firstTimestamp)
            } else if tally.certificates.count < 256 && certificatesHeld < Self.maxCertificates {
                tally.certificates.append((value, flow.firstTimestamp))
                certificatesHeld += 1
            }
        }
        if tally.events.count < Self.maxEventsPerServer && events < Self.maxEvents,
            let time = eventTime(flow.firstTimestamp)
        {
            let alert = flow.failingAlert?.alert?.description.rawValue
            let overload = flow.outcome == .reset || flow.outcome == .noResponse || alert == 80
            tally.events.append(time << 1 | (overload ? 1 : 0))
            events += 1
        }
        let minute = flow.firstTimestamp.seconds / 60
        if let index = tally.minutes.lastIndex(where: { $0.minute == minute }) {
            tally.minutes[index].flows &+= 1
            if failed { tally.minutes[index].failed &+= 1 }
        } else if tally.minutes.count < Self.maxMinutesPerServer && minutesHeld < Self.maxMinutes {
            tally.minutes.append(MinuteCount(minute: minute, flows: 1, failed: failed ? 1 : 0))
            minutesHeld += 1
        }
        // Put back by swapping, as it was taken out: an assignment copied it, then destroyed the copy.
        swap(&tally, &stored[position])
    }

    /// Where a server counts each attribute's value (`keys`, by attribute code): its count,
    /// made when new. Past `maxValuesPerAttribute` values of one attribute for one server, or
    /// `maxCounts` counts in all, a new value counts as "other" (one more count per attribute
    /// and server at most), so memory stays bounded whatever the capture holds.
    private mutating func countPositions(server: Int, _ tally: inout Stored, _ keys: InlineArray<11, UInt32>)
        -> InlineArray<11, Int>
    {
        var positions = InlineArray<11, Int>(repeating: -1)
        // The counts the server's last flow reached first (see `Stored.recent`).
        var fromRecent = InlineArray<11, Bool>(repeating: false)
        for code in 0..<keys.count {
            let entry = tally.recent[code]
            guard entry != 0, UInt32(truncatingIfNeeded: entry >> 32) == keys[code] else { continue }
            positions[code] = Int(entry & 0xffff_ffff) - 1
            fromRecent[code] = true
        }
        // The index and the pool are megabytes each: a lookup is two likely cache misses, one
        // after the other. Eleven of them in turn waited for twenty-two misses; in passes,
        // the homes of all keys are loaded first, then the counts they name, each pass's loads
        // independent of one another (the processor overlaps them). Only a key whose home did
        // not name its count is probed further, in the last pass.
        var candidates = InlineArray<11, Int>(repeating: -1)
        for code in 0..<keys.count where positions[code] < 0 {
            candidates[code] = countIndex.candidate(hash: CountIndex.hash(server: server, key: keys[code]))
        }
        for code in 0..<keys.count where positions[code] < 0 {
            let found = candidates[code]
            if found >= 0 && isCount(found, of: keys[code], server: server) { positions[code] = found }
        }
        // New values are made in attribute order.
        for code in 0..<keys.count where positions[code] < 0 {
            var key = keys[code]
            if let found = find(server: server, key: key) {
                positions[code] = found
                continue
            }
            if Int(tally.valuesHeld[code]) >= Self.maxValuesPerAttribute || countsHeld >= Self.maxCounts {
                key = Count.key(UInt8(truncatingIfNeeded: code), Self.otherValue)
                if let other = find(server: server, key: key) {
                    positions[code] = other
                    continue
                }
            }
            positions[code] = append(&tally, key, server: server)
            tally.valuesHeld[code] &+= 1
        }
        // What the index gave, kept as the server's recent count of each attribute (by the
        // flow's key, which may have gone to "other").
        for code in 0..<keys.count where !fromRecent[code] && positions[code] >= 0 && positions[code] < pool.count {
            tally.recent[code] = UInt64(keys[code]) << 32 | UInt64(truncatingIfNeeded: positions[code] + 1)
        }
        return positions
    }

    /// The pool place of a server's count of `key`, if it has one.
    @inline(__always)
    private func find(server: Int, key: UInt32) -> Int? {
        countIndex.find(hash: CountIndex.hash(server: server, key: key)) { isCount($0, of: key, server: server) }
    }

    /// Whether pool place `found` holds the server's count of `key`.
    @inline(__always)
    private func isCount(_ found: Int, of key: UInt32, server: Int) -> Bool {
        found < pool.count && pool[found].key == key && owner(of: found) == server
    }

    /// The place in `stored` of the server whose chunk holds pool place `found`.
    @inline(__always)
    private func owner(of found: Int) -> Int {
        let chunk = found / Self.chunkSize
        return chunk < chunkOwner.count ? Int(chunkOwner[chunk]) : -1
    }

    /// Makes a count of `key` at the end of a server's counts, and indexes it; its place in
    /// the pool.
    private mutating func append(_ tally: inout Stored, _ key: UInt32, server: Int) -> Int {
        if tally.lastChunk < 0 || tally.inLast == Self.chunkSize {
            // The pool is the finder's largest table: it is reserved at once at its bound
            // (address space only: a page is resident once a count is written to it), so that
            // it never holds its old and its new storage at the same time while growing.
            if pool.count + Self.chunkSize > pool.capacity {
                pool.reserveCapacity(max(pool.count + max(4096, pool.count / 4), Self.poolBound))
                let chunks = max(nextChunk.count + max(1024, nextChunk.count / 4), Self.poolBound / Self.chunkSize)
                nextChunk.reserveCapacity(chunks)
                chunkOwner.reserveCapacity(chunks)
            }
            let chunk = Int32(truncatingIfNeeded: nextChunk.count)
            nextChunk.append(-1)
            chunkOwner.append(UInt16(truncatingIfNeeded: server))
            pool.append(contentsOf: repeatElement(Count(attribute: 0, value: 0), count: Self.chunkSize))
            if tally.lastChunk >= 0 && Int(tally.lastChunk) < nextChunk.count {
                nextChunk[Int(tally.lastChunk)] = chunk
            } else {
                tally.firstChunk = chunk
            }
            tally.lastChunk = chunk
            tally.inLast = 0
        }
        let index = Int(tally.lastChunk) * Self.chunkSize + tally.inLast
        guard index < pool.count else { return pool.count }
        pool[index] = Count(attribute: UInt8(truncatingIfNeeded: key >> 24), value: key & 0x00ff_ffff)
        tally.inLast += 1
        countsHeld += 1
        if countIndex.isFull {
            let pool = self.pool
            let owners = chunkOwner
            countIndex.grow { found in
                let chunk = found / Self.chunkSize
                guard found < pool.count, chunk < owners.count else { return 0 }
                return CountIndex.hash(server: Int(owners[chunk]), key: pool[found].key)
            }
        }
        countIndex.insert(index, hash: CountIndex.hash(server: server, key: key))
        return index
    }

    /// Calls `body` with the pool index of each of a server's counts, in the order they were made,
    /// until it returns false.
    @inline(__always)
    private func forEachCount(of stored: Stored, _ body: (Int) -> Bool) {
        var chunk = stored.firstChunk
        while chunk >= 0 && Int(chunk) < nextChunk.count {
            let start = Int(chunk) * Self.chunkSize
            let end = start + (chunk == stored.lastChunk ? stored.inLast : Self.chunkSize)
            for index in start..<min(end, pool.count) where !body(index) { return }
            chunk = nextChunk[Int(chunk)]
        }
    }

    /// A server's counts, in the order they were made.
    private func counts(of stored: Stored) -> [Count] {
        var result: [Count] = []
        forEachCount(of: stored) {
            result.append(pool[$0])
            return true
        }
        return result
    }

    /// A flow's start as kept for the time windows: milliseconds from `eventBase` (the first
    /// start counted, in whole milliseconds) plus `eventMargin`, in 31 bits: starts within
    /// about 12 days either side of the first. Others are not kept (nil).
    private mutating func eventTime(_ start: Timestamp) -> UInt32? {
        let nanoseconds = start.nanoseconds(since: .zero)
        let milliseconds = nanoseconds >= 0 ? nanoseconds / 1_000_000 : (nanoseconds + 1) / 1_000_000 - 1
        if eventBase == Int64.min { eventBase = milliseconds * 1_000_000 }
        let offset = milliseconds - eventBase / 1_000_000 + Self.eventMargin
        guard offset >= 0, offset < 1 << 31 else { return nil }
        return UInt32(offset)
    }

    /// Nanoseconds since the epoch of the first start counted (whole milliseconds).
    private var eventBase = Int64.min
    /// Room before the first start counted, in milliseconds (flows are counted as they end,
    /// not quite in the order they began).
    private static let eventMargin: Int64 = 1 << 30

    /// A server's counts as the statements read them: the text table of `attribute` alone
    /// (the one a statement is made of, if any), and the flow times when `withEvents`.
    private func expand(_ stored: Stored, counts: [Count], attribute: Attribute?, withEvents: Bool) -> ServerTally {
        func text(_ value: UInt32) -> String? { Int(value) < values.count ? values[Int(value)] : nil }
        var tally = ServerTally()
        tally.failed = Int(stored.failed)
        tally.succeeded = Int(stored.succeeded)
        if let attribute { tally.attributes[attribute] = table(counts, attribute) }
        tally.failedMaxVersion = stored.failedMaxVersion
        tally.succeededMinVersion = stored.succeededMinVersion
        tally.failedMaxVersionName = text(stored.failedMaxVersionName) ?? "unknown"
        tally.succeededMinVersionName = text(stored.succeededMinVersionName) ?? "unknown"
        tally.firstFailure = stored.firstFailure
        tally.lastFailure = stored.lastFailure
        for minute in stored.minutes {
            tally.minutes[minute.minute] = (Int(minute.flows), Int(minute.failed))
        }
        if withEvents {
            tally.events = stored.events.map {
                (eventBase &+ (Int64($0 >> 1) - Self.eventMargin) &* 1_000_000, $0 & 1 == 1)
            }
        }
        for certificate in stored.certificates {
            if let value = text(certificate.value) { tally.certificateFirstSeen[value] = certificate.first }
        }
        tally.name = stored.name == Self.noName ? nil : text(stored.name)
        tally.namesDiffer = stored.namesDiffer
        return tally
    }

    /// The number of an attribute's value for a flow. The values that come from a number
    /// (the client's network, the minute, the groups offered) are looked up by that number,
    /// so their text is made once per distinct value, not once per flow.
    private mutating func valueNumber(_ attribute: Attribute, code: UInt8, of flow: FlowRecord) -> UInt32 {
        // A value's number never changes once given: the last few of each kind are tried
        // first, by ==, before the tables are hashed into.
        switch attribute {
        case .clientNetwork, .timeWindow, .clientMaxVersion, .vlan, .offersTLS13, .suiteClass, .sniPresent:
            let key = Self.numberKey(attribute, code: code, of: flow)
            let slot = Int(code)
            if slot < recentNumbers.count, let recent = recentNumbers[slot].value(for: key) { return recent }
            let value = number(key)
            if slot < recentNumbers.count { recentNumbers[slot].insert(key, value) }
            return value
        case .groups:
            let groups = flow.clientHello?.hello.extensions.supportedGroups ?? []
            if let recent = recentGroups.value(for: groups) { return recent }
            let value: UInt32
            if let known = groupNumbers[groups] {
                value = known
            } else {
                value = valueID(Self.value(attribute, of: flow))
                if groupNumbers.count < Self.maxValues { groupNumbers[groups] = value }
            }
            recentGroups.insert(groups, value)
            return value
        case .alpn:
            let alpn = flow.clientHello?.hello.extensions.alpn
            if let recent = recentALPN.value(for: alpn) { return recent }
            let value: UInt32
            if let alpn, let known = alpnNumbers[alpn] {
                value = known
            } else {
                value = valueID(Self.value(attribute, of: flow))
                if let alpn, alpnNumbers.count < Self.maxValues { alpnNumbers[alpn] = value }
            }
            recentALPN.insert(alpn, value)
            return value
        case .ja4:
            let ja4 = flow.clientHello?.ja4
            if let recent = recentJA4.value(for: ja4) { return recent }
            let value = valueID(Self.value(attribute, of: flow))
            recentJA4.insert(ja4, value)
            return value
        case .serverCertificate:
            // By the whole fingerprint: its first 16 digits are the value's text.
            let sha256 = flow.certificateSummaries.first?.sha256
            if let recent = recentCertificates.value(for: sha256) { return recent }
            let value = valueID(Self.value(attribute, of: flow))
            recentCertificates.insert(sha256, value)
            return value
        }
    }

    /// The number of a numbered value, given when new (past `maxValues` distinct numbers,
    /// later ones all count as one value, "other").
    private mutating func number(_ key: NumberKey) -> UInt32 {
        if let known = numbered[key] { return known }
        guard numberKeys.count < Self.maxValues else { return Self.otherNumber }
        let value = UInt32(numberKeys.count)
        numberKeys.append(key)
        numbered[key] = value
        return value
    }

    /// The number a numbered attribute's value is made from (`text(of:_:)` spells it).
    static func numberKey(_ attribute: Attribute, code: UInt8, of flow: FlowRecord) -> NumberKey {
        var isIPv6 = false
        let number: UInt64
        switch attribute {
        case .clientNetwork:
            let ip = flow.client.ip
            number = ip.ipv4.map { UInt64($0 & 0xffff_ff00) } ?? ip.high & ipv6NetworkMask
            isIPv6 = ip.isIPv6
        case .timeWindow:
            number = UInt64(bitPattern: flow.firstTimestamp.seconds / 60)
        case .clientMaxVersion:
            number = flow.highestOfferedVersion.map { UInt64($0.rawValue) } ?? 1 << 32
        case .vlan:
            number = flow.vlan.first.map { UInt64(bitPattern: Int64($0)) } ?? .max
        case .offersTLS13:
            number = offersTLS13(flow) ? 1 : 0
        case .suiteClass:
            number = offersOnlyLegacySuites(flow) ? 1 : 0
        case .sniPresent:
            number = flow.serverName == nil ? 0 : 1
        default:
            number = 0
        }
        return NumberKey(attribute: code, isIPv6: isIPv6, number: number)
    }

    /// The value number of every numbered value past the first `maxValues`.
    private static let otherNumber = UInt32(maxValues)

    /// Whether an attribute's values are numbered by `numbered` (not by text).
    static func isNumbered(_ attribute: Attribute) -> Bool {
        switch attribute {
        case .clientNetwork, .timeWindow, .clientMaxVersion, .vlan, .offersTLS13, .suiteClass, .sniPresent: return true
        default: return false
        }
    }

    /// The text of a numbered value: what `value(_:of:)` gives for a flow with that number.
    static func text(of key: NumberKey, _ attribute: Attribute) -> String {
        switch attribute {
        case .clientNetwork:
            return key.isIPv6
                ? IPAddress(ipv6High: key.number, low: 0).description + "/48"
                : IPAddress(ipv4: UInt32(truncatingIfNeeded: key.number)).description + "/24"
        case .timeWindow:
            return String(Int64(bitPattern: key.number))
        case .clientMaxVersion:
            return key.number > UInt64(UInt16.max)
                ? "unknown" : ProtocolVersion(rawValue: UInt16(truncatingIfNeeded: key.number)).description
        case .vlan:
            return key.number == .max ? "none" : String(Int64(bitPattern: key.number))
        case .offersTLS13, .sniPresent:
            return key.number == 1 ? "yes" : "no"
        case .suiteClass:
            return key.number == 1 ? "legacy only" : "modern"
        default:
            return "other"
        }
    }

    /// Whether `name` (a flow's SNI, nil for none) is the one numbered `number` (`noName`: none).
    private func isName(_ number: UInt32, _ name: String?) -> Bool {
        guard let name else { return number == Self.noName }
        return number != Self.noName && Int(number) < values.count && values[Int(number)] == name
    }

    /// The number of a value in the table of values.
    private mutating func valueID(_ value: String) -> UInt32 {
        if let known = valueIDs[value] { return known }
        let text = values.count < Self.maxValues ? value : "other"
        if let known = valueIDs[text] { return known }
        let id = UInt32(values.count)
        values.append(text)
        valueIDs[text] = id
        return id
    }

    /// The value a count stands for, as `table` spells it: its value number, `otherValue`
    /// for every count spelled "other" (those of one attribute are one value), nil for one
    /// with no text.
    private func spelledValue(_ count: Count, _ attribute: Attribute) -> UInt32? {
        if count.value == Self.otherValue { return Self.otherValue }
        let index = Int(count.value)
        if Self.isNumbered(attribute) { return index < numberKeys.count ? count.value : Self.otherValue }
        guard index < values.count else { return nil }
        return values[index] == "other" ? Self.otherValue : count.value
    }

    /// The text of a value `spelledValue` gave.
    private func spelling(_ value: UInt32, _ attribute: Attribute) -> String {
        if value == Self.otherValue { return "other" }
        let index = Int(value)
        if Self.isNumbered(attribute) {
            return index < numberKeys.count ? Self.text(of: numberKeys[index], attribute) : "other"
        }
        return index < values.count ? values[index] : "other"
    }

    /// The counts of one attribute at a server as a text table, as a statement would read
    /// them (nil for a server not counted).
    func table(server: ServerAddress, _ attribute: Attribute) -> Tally? {
        guard let position = servers[server], position < stored.count else { return nil }
        return table(counts(of: stored[position]), attribute)
    }

    /// A server's counts of one attribute as a text table. Counts spelled alike ("other")
    /// are added up.
    private func table(_ counts: [Count], _ attribute: Attribute) -> Tally {
        var result = Tally()
        let code = Self.code(attribute)
        for count in counts where count.attribute == code {
            guard let value = spelledValue(count, attribute) else { continue }
            let text = spelling(value, attribute)
            if count.failed > 0 { result.failed[text, default: 0] += Int(count.failed) }
            if count.succeeded > 0 { result.succeeded[text, default: 0] += Int(count.succeeded) }
        }
        return result
    }

    /// An attribute's code in a count's key: its place in `Attribute.allCases`.
    static func code(_ attribute: Attribute) -> UInt8 {
        UInt8(truncatingIfNeeded: Attribute.allCases.firstIndex(of: attribute) ?? 0)
    }

    /// The server certificate's code, as an index into a flow's keys.
    private static let certificateCode = Int(code(.serverCertificate))

    /// How well one attribute's values split a server's flows, read off the counts as
    /// numbers (what `table` would spell, without spelling it).
    struct Split {
        /// Flows whose value no success had, plus flows whose value no failure had.
        var score = 0
        /// Distinct values among the failed flows.
        var failedValues = 0
        /// Whether some flow's value is "not seen" (a server certificate).
        var notSeen = false
    }

    /// The split each attribute makes of a server's flows, in `Attribute.allCases` order.
    private func splits(_ counts: [Count], notSeen: UInt32?) -> [Split] {
        let attributes = Attribute.allCases
        var result = [Split](repeating: Split(), count: attributes.count)
        // "other" may stand for more than one count of an attribute: summed apart.
        var otherFailed = [Int](repeating: 0, count: attributes.count)
        var otherSucceeded = [Int](repeating: 0, count: attributes.count)
        for count in counts where Int(count.attribute) < attributes.count {
            let index = Int(count.attribute)
            guard let value = spelledValue(count, attributes[index]) else { continue }
            if value == Self.otherValue {
                otherFailed[index] += Int(count.failed)
                otherSucceeded[index] += Int(count.succeeded)
                continue
            }
            if attributes[index] == .serverCertificate && value == notSeen { result[index].notSeen = true }
            if count.failed > 0 { result[index].failedValues += 1 }
            if count.succeeded == 0 { result[index].score += Int(count.failed) }
            if count.failed == 0 { result[index].score += Int(count.succeeded) }
        }
        for index in attributes.indices where otherFailed[index] > 0 || otherSucceeded[index] > 0 {
            if otherFailed[index] > 0 { result[index].failedValues += 1 }
            if otherSucceeded[index] == 0 { result[index].score += otherFailed[index] }
            if otherFailed[index] == 0 { result[index].score += otherSucceeded[index] }
        }
        return result
    }

    /// The value of an attribute for a flow, as text.
    static func value(_ attribute: Attribute, of flow: FlowRecord) -> String {
        switch attribute {
        case .clientMaxVersion: return flow.highestOfferedVersion?.description ?? "unknown"
        case .offersTLS13: return offersTLS13(flow) ? "yes" : "no"
        case .suiteClass: return offersOnlyLegacySuites(flow) ? "legacy only" : "modern"
        case .sniPresent: return flow.serverName == nil ? "no" : "yes"
        case .alpn: return flow.clientHello?.hello.extensions.alpnNames?.joined(separator: ",") ?? "none"
        case .groups:
            let groups = flow.clientHello?.hello.extensions.supportedGroups ?? []
            return groups.filter { !$0.isGREASE }.map(\.description).joined(separator: ",")
        case .ja4: return flow.clientHello?.ja4 ?? "none"
        case .serverCertificate:
            return flow.certificateSummaries.first.map { String($0.sha256.prefix(16)) } ?? "not seen"
        case .clientNetwork: return network(flow.client.ip)
        case .vlan: return flow.vlan.first.map { String($0) } ?? "none"
        case .timeWindow: return String(flow.firstTimestamp.seconds / 60)
        }
    }

    static func offersTLS13(_ flow: FlowRecord) -> Bool {
        flow.clientHello?.hello.offersTLS13OrDraft == true
    }

    /// Whether every suite offered (GREASE and SCSVs aside) is a legacy one.
    static func offersOnlyLegacySuites(_ flow: FlowRecord) -> Bool {
        let suites = (flow.clientHello?.hello.cipherSuites ?? []).lazy.filter { !$0.isGREASE && !$0.isSCSV }
        return !suites.isEmpty && suites.allSatisfy(\.isLegacy)
    }

    /// The client's network: its /24 (IPv4) or /48 (IPv6), the longest prefixes routed
    /// between networks. (A /64 is one subnet, often one host: a capture's IPv6 clients would
    /// each be a network of their own, and none would gather enough flows for a pattern.)
    static func network(_ ip: IPAddress) -> String {
        if let v4 = ip.ipv4 {
            return IPAddress(ipv4: v4 & 0xffff_ff00).description + "/24"
        }
        return IPAddress(ipv6High: ip.high & ipv6NetworkMask, low: 0).description + "/48"
    }

    /// The bits of an IPv6 address's high half that name its /48.
    static let ipv6NetworkMask: UInt64 = 0xffff_ffff_ffff_0000

    /// The statements, one per server where an attribute separates failures from
    /// successes well (90 % of flows or more), in server order.
    public func patterns() -> [PatternStatement] {
        var result: [PatternStatement] = []
        let notSeen = valueIDs["not seen"]
        for key in servers.keys.sorted() {
            guard let position = servers[key], position < stored.count else { continue }
            let server = stored[position]
            guard server.failed > 0, server.succeeded > 0 else { continue }
            let held = counts(of: server)
            let choice = Self.best(splits(held, notSeen: notSeen), total: Int(server.failed + server.succeeded))
            let perfect = choice?.perfect == true
            // Only the chosen attribute is spelled, and the flow times only when the
            // overload pattern is looked for.
            let tally = expand(server, counts: held, attribute: choice?.attribute, withEvents: !perfect)
            let address = key.text
            if !perfect, let overload = Self.overload(tally, address: address) {
                result.append(overload)
            } else if let choice, let statement = Self.statement(choice.attribute, tally: tally, address: address) {
                result.append(statement)
            }
        }
        return result
    }

    /// The best separating attribute, if it separates 90 % of the flows or more, and
    /// whether it separates every flow. Ties go to the attribute listed first.
    static func best(_ splits: [Split], total: Int) -> (attribute: Attribute, perfect: Bool)? {
        var bestScore = 0
        var bestAttribute: Attribute?
        for (attribute, split) in zip(Attribute.allCases, splits) {
            // A certificate "not seen" (TLS 1.3, or a failure before it) separates nothing.
            if attribute == .serverCertificate && split.notSeen { continue }
            // Splitting by minute or by fingerprint is only telling when the values are few.
            if attribute == .timeWindow || attribute == .ja4 || attribute == .groups, split.failedValues > 3 {
                continue
            }
            if split.score > bestScore {
                bestScore = split.score
                bestAttribute = attribute
            }
        }
        guard let attribute = bestAttribute, bestScore * 10 >= total * 9 else { return nil }
        return (attribute, bestScore == total)
    }

    /// The statement of a split by `attribute`, from the server's table of it.
    private static func statement(_ attribute: Attribute, tally: ServerTally, address: String) -> PatternStatement? {
        guard let counts = tally.attributes[attribute] else { return nil }
        let text = statement(attribute, counts: counts, tally: tally)
        // Failures in the busiest minutes: the server_overload pattern of the diagnoses spec.
        let name = attribute == .timeWindow && !rateNote(tally).isEmpty ? "server_overload" : attribute.rawValue
        return PatternStatement(
            server: address, serverName: tally.namesDiffer ? nil : tally.name, statement: text,
            failed: tally.failed,
            succeeded: tally.succeeded, attribute: name)
    }

    private static func statement(_ attribute: Attribute, counts: Tally, tally: ServerTally) -> String {
        let failedValues = counts.failed.keys.sorted()
        let succeededValues = counts.succeeded.keys.sorted()
        let failedOnly = counts.failed.filter { counts.succeeded[$0.key] == nil }.values.reduce(0, +)
        let succeededOnly = counts.succeeded.filter { counts.failed[$0.key] == nil }.values.reduce(0, +)
        let f =
            failedOnly == tally.failed
            ? (tally.failed == 1 ? "The one failed flow" : "All \(tally.failed) failed flows")
            : "\(failedOnly) of \(tally.failed) failed flows"
        let s =
            succeededOnly == tally.succeeded
            ? (tally.succeeded == 1 ? "the one successful flow" : "all \(tally.succeeded) successful ones")
            : "\(succeededOnly) of \(tally.succeeded) successful ones"
        switch attribute {
        case .clientMaxVersion:
            if tally.failedMaxVersion < tally.succeededMinVersion && failedOnly == tally.failed
                && succeededOnly == tally.succeeded
            {
                let later = succeededValues.count > 1 ? " or later" : ""
                return
                    "\(f) offered at most \(tally.failedMaxVersionName); \(s) offered \(tally.succeededMinVersionName)\(later)."
            }
            return "\(f) offered at most \(listed(failedValues)); \(s) offered \(listed(succeededValues))."
        case .offersTLS13:
            return failedValues == ["no"]
                ? "\(f) did not offer TLS 1.3; \(s) did." : "\(f) offered TLS 1.3; \(s) did not."
        case .suiteClass:
            return failedValues == ["legacy only"]
                ? "\(f) offered only legacy cipher suites (RSA key exchange, CBC, 3DES, RC4); \(s) offered modern ones."
                : "\(f) offered modern cipher suites; \(s) offered only legacy ones."
        case .sniPresent:
            return failedValues == ["no"] ? "\(f) had no SNI; \(s) had SNI." : "\(f) had SNI; \(s) had none."
        case .alpn:
            return "\(f) offered ALPN \(listed(failedValues)); \(s) offered \(listed(succeededValues))."
        case .groups:
            return
                "\(f) offered the groups \(listed(failedValues, limit: 2)); \(s) offered \(listed(succeededValues, limit: 2))."
        case .ja4:
            return "\(f) came from clients with JA4 \(listed(failedValues, limit: 3)); \(s) from others."
        case .serverCertificate:
            let changes = failedValues.compactMap { tally.certificateFirstSeen[$0] }.sorted()
            let when = changes.first.map { " at \(clock($0)) UTC" } ?? ""
            return
                "\(f) got the server certificate \(listed(failedValues.map { "sha256 \($0)…" }, limit: 2)); \(s) got \(listed(succeededValues.map { "sha256 \($0)…" }, limit: 2)): the failures started when the certificate changed\(when)."
        case .clientNetwork:
            return "\(f) came from \(listed(failedValues, limit: 4)); \(s) from other networks."
        case .vlan:
            return "\(f) came from VLAN \(listed(failedValues)); \(s) from other VLANs."
        case .timeWindow:
            let window = timeWindow(tally)
            return "\(f) happened \(window)\(rateNote(tally)); \(s) at other times."
        }
    }

    private static func timeWindow(_ tally: ServerTally) -> String {
        guard let first = tally.firstFailure, let last = tally.lastFailure else { return "in a short time window" }
        return "between \(clock(first)) and \(clock(last)) UTC"
    }

    /// ", when the handshake rate was 5x normal" when the failing minutes were busier.
    private static func rateNote(_ tally: ServerTally) -> String {
        let busy = tally.minutes.values.filter { $0.failed > 0 }.map(\.flows)
        let quiet = tally.minutes.values.filter { $0.failed == 0 }.map(\.flows)
        guard !busy.isEmpty, !quiet.isEmpty else { return "" }
        let busyRate = Double(busy.reduce(0, +)) / Double(busy.count)
        let quietRate = Double(quiet.reduce(0, +)) / Double(quiet.count)
        guard quietRate > 0, busyRate >= 2 * quietRate else { return "" }
        return ", when the handshake rate was \(Int(busyRate / quietRate))x that of the other minutes"
    }

    static func clock(_ time: Timestamp) -> String {
        let day = ((time.seconds % 86_400) + 86_400) % 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(day / 3600)):\(two(day / 60 % 60)):\(two(day % 60))"
    }

    /// `server_overload`: failures of the overload kind (resets, no answer, internal_error)
    /// came in the time windows when the server's handshake rate peaked, at least twice
    /// its rate in the other windows, while handshakes succeeded at other times.
    static func overload(_ tally: ServerTally, address: String) -> PatternStatement? {
        let failures = tally.events.filter(\.overloadFailure)
        guard failures.count >= 2, let first = tally.events.map(\.time).min(), let last = tally.events.map(\.time).max()
        else { return nil }
        let window = niceWindow((last - first) / 15)
        var flows: [Int64: Int] = [:]
        var failing: Set<Int64> = []
        for event in tally.events {
            let slot = (event.time - first) / window
            flows[slot, default: 0] += 1
            if event.overloadFailure { failing.insert(slot) }
        }
        let busy = failing.map { flows[$0] ?? 0 }
        let quiet = flows.filter { !failing.contains($0.key) }.map(\.value)
        guard !quiet.isEmpty else { return nil }
        let busyRate = Double(busy.reduce(0, +)) / Double(max(busy.count, 1))
        let quietRate = Double(quiet.reduce(0, +)) / Double(quiet.count)
        guard busyRate >= 2 * quietRate else { return nil }
        let times = failures.map(\.time)
        let from = Timestamp(seconds: (times.min() ?? first) / 1_000_000_000, nanoseconds: 0)
        let to = Timestamp(seconds: (times.max() ?? last) / 1_000_000_000, nanoseconds: 0)
        let unit = windowName(window)
        let ratio = Int((busyRate / quietRate).rounded())
        let when = from == to ? "at \(clock(from)) UTC" : "between \(clock(from)) and \(clock(to)) UTC"
        let statement =
            "All \(failures.count) resets and unanswered or internal_error handshakes came \(when), "
            + "when the server got \(Int(busyRate.rounded())) handshakes per \(unit), \(ratio)x its rate in the other \(unit)s; "
            + "\(counted(tally.succeeded, "handshake")) succeeded, most of them at quieter times."
        return PatternStatement(
            server: address, serverName: tally.namesDiffer ? nil : tally.name, statement: statement,
            failed: tally.failed,
            succeeded: tally.succeeded, attribute: "server_overload")
    }

    /// A window of 1, 5, 10 or 30 seconds, 1, 5, 15 or 60 minutes: the first not below `nanoseconds`.
    static func niceWindow(_ nanoseconds: Int64) -> Int64 {
        let sizes: [Int64] = [1, 5, 10, 30, 60, 300, 900, 3600]
        for size in sizes where size * 1_000_000_000 >= nanoseconds { return size * 1_000_000_000 }
        return 3600 * 1_000_000_000
    }

    static func windowName(_ window: Int64) -> String {
        switch window / 1_000_000_000 {
        case 1: return "second"
        case 60: return "minute"
        case 3600: return "hour"
        case let seconds where seconds < 60: return "\(seconds) seconds"
        case let seconds: return "\(seconds / 60) minutes"
        }
    }
}
