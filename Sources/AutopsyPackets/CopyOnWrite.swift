/// A value in a box its copies share, copied when one of them changes it (copy on write).
@propertyWrapper public struct CopyOnWrite<Value: Sendable>: Sendable {
    /// The box: changed only while uniquely referenced, so sharing it between threads is safe.
    /// Seen by this package's modules only (`package`), whose accessors read and change it in place.
    @usableFromInline package final class Box: @unchecked Sendable {
        /// The value: changed in place only while the box is uniquely referenced.
        @usableFromInline package var value: Value
        @usableFromInline init(_ value: Value) { self.value = value }
    }

    /// Changed in place only once `makeUnique` made it this wrapper's alone.
    @usableFromInline package var box: Box

    /// Boxes `wrappedValue`.
    public init(wrappedValue: Value) { box = Box(wrappedValue) }

    /// The value, read in place, and copied first when changed while shared.
    @inlinable public var wrappedValue: Value {
        _read { yield box.value }
        _modify {
            makeUnique()
            yield &box.value
        }
    }

    /// Makes the box this wrapper's alone (copied when shared), before its value is changed
    /// in place through `box.value` (what `FlowRecord`'s field accessors do: one accessor per
    /// field, rather than one nested in another, whose frame would not fit its caller's room).
    @inlinable package mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&box) { copyBox() }
    }

    /// Gives this wrapper a box of its own. Out of line: a copy of the value inside the
    /// accessor makes the accessor's frame too large for its caller's room (the values boxed
    /// are large), so every change through a call would allocate the frame.
    @usableFromInline @inline(never) mutating func copyBox() {
        box = Box(box.value)
    }

    /// Whether two wrappers share one box (then their values are equal).
    @inlinable package func sharesBox(with other: CopyOnWrite) -> Bool { box === other.box }
}

/// Wrappers are equal when their values are: at once when they share one box.
extension CopyOnWrite: Equatable where Value: Equatable {
    /// The same box, or equal values.
    @inlinable public static func == (lhs: CopyOnWrite, rhs: CopyOnWrite) -> Bool {
        lhs.sharesBox(with: rhs) || lhs.box.value == rhs.box.value
    }
}

/// Hashes the value, as `==` compares it.
extension CopyOnWrite: Hashable where Value: Hashable {
    /// Hashes the value (not the box).
    @inlinable public func hash(into hasher: inout Hasher) { box.value.hash(into: &hasher) }
}
