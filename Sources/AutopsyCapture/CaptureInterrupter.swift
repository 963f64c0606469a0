import CLibpcap
import Synchronization

/// Stops a running `PcapHandle.forEachPacket` from another thread (a SIGINT handler
/// task, a timer): the handle itself is borrowed exclusively while it reads.
///
/// Safe to keep after the handle is gone: the handle detaches it before closing, and a
/// later `breakLoop()` does nothing. Call it from a thread, not from inside a C signal
/// handler (it takes a lock); with Dispatch, use a `DispatchSourceSignal`.
public final class CaptureInterrupter: Sendable {
    /// The handle's libpcap pointer (nil once closed) and whether a stop was requested.
    /// Unchecked: the pointer is only used, under the lock, for `pcap_breakloop`, which
    /// libpcap documents as callable from another thread.
    private struct State: @unchecked Sendable {
        var pcap: OpaquePointer?
        var requested: Bool
    }

    private let state: Mutex<State>

    /// An interrupter for an open libpcap handle.
    init(pcap: OpaquePointer) {
        state = Mutex(State(pcap: pcap, requested: false))
    }

    /// Makes the running (or next) `forEachPacket` return `.interrupted` after the
    /// packet in hand.
    public func breakLoop() {
        state.withLock { state in
            state.requested = true
            if let pcap = state.pcap { pcap_breakloop(pcap) }
        }
    }

    /// Whether a stop was requested; clears the request.
    func takeRequest() -> Bool {
        state.withLock { state in
            let requested = state.requested
            state.requested = false
            return requested
        }
    }

    /// Forgets the libpcap handle: called before `pcap_close`.
    func detach() {
        state.withLock { state in state.pcap = nil }
    }
}
