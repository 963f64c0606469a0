#!/usr/bin/env python3
"""A user-space Ethernet wire between two veth ends, for the fixture captures
that need what this kernel cannot do in tc (no sch_netem, no 8021q module).

Usage:
  wire.py link A B [--rule DIR:ACTION:N ...]
      Forwards every frame between interfaces A and B (AF_PACKET sockets).
      DIR is a2b or b2a; N counts, from 1, the frames in that direction that
      carry TCP payload; ACTION is
        hold       keep that frame back and send it right after the next
                   payload frame of the same direction (or after 0.3 s): the
                   two arrive swapped, out of order
        dup        send that frame twice
        drop       drop it once: the sender's TCP retransmits it
        blackhole  drop it and every later frame of that direction that carries
                   the same bytes (its retransmissions): a segment lost for good
  wire.py trunk A TA B TB --vlan ID
      An 802.1Q trunk between two access ports: frames from A leave on TA with
      tag ID, frames from B leave on TB with tag ID, and what arrives on TA
      (resp. TB) goes to A (resp. B); the kernel strips the tag on receive.
      Connect TA and TB with a veth pair and capture on TA: every frame on it
      carries the tag, in both directions.

It prints "ready" on stdout once its sockets are bound, then one line per rule
it applied. Stop it with SIGTERM.
"""
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def tcp_info(frame):
    """(seq, payload_len) of an Ethernet/IPv4|IPv6/TCP frame, else None."""
    off = 12
    ethertype = struct.unpack_from("!H", frame, off)[0]
    off += 2
    while ethertype in (0x8100, 0x88A8):
        ethertype = struct.unpack_from("!H", frame, off + 2)[0]
        off += 4
    if ethertype == 0x0800:
        ihl = (frame[off] & 0x0F) * 4
        if frame[off + 9] != 6:
            return None
        total = struct.unpack_from("!H", frame, off + 2)[0]
        tcp = off + ihl
        plen = total - ihl
    elif ethertype == 0x86DD:
        if frame[off + 6] != 6:
            return None
        plen = struct.unpack_from("!H", frame, off + 4)[0]
        tcp = off + 40
    else:
        return None
    seq = struct.unpack_from("!I", frame, tcp + 4)[0]
    doff = (frame[tcp + 12] >> 4) * 4
    return seq, plen - doff


def open_socket(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    return s


def push_tag(frame, vid):
    return frame[:12] + struct.pack("!HH", 0x8100, vid) + frame[12:]


def main(argv):
    if len(argv) >= 3 and argv[0] == "link":
        a, b = argv[1], argv[2]
        rules = {}
        rest = argv[3:]
        while rest:
            if rest[0] != "--rule" or len(rest) < 2:
                raise SystemExit(__doc__)
            d, action, n = rest[1].split(":")
            rules[(d, int(n))] = action
            rest = rest[2:]
        socks = {a: open_socket(a), b: open_socket(b)}
        routes = {a: (b, None, "a2b"), b: (a, None, "b2a")}
    elif len(argv) == 7 and argv[0] == "trunk" and argv[5] == "--vlan":
        a, ta, b, tb, vid = argv[1], argv[2], argv[3], argv[4], int(argv[6])
        rules = {}
        socks = {n: open_socket(n) for n in (a, ta, b, tb)}
        routes = {a: (ta, vid, "a2t"), ta: (a, None, "t2a"),
                  b: (tb, vid, "b2t"), tb: (b, None, "t2b")}
    else:
        raise SystemExit(__doc__)

    by_fd = {s.fileno(): name for name, s in socks.items()}
    counts = {}
    held = {}        # direction -> (frame, out socket, deadline)
    holes = {}       # direction -> set of (seq, len) lost for good
    print("ready", flush=True)

    def send(out, frame):
        try:
            socks[out].send(frame)
        except OSError as e:
            print(f"send on {out}: {e}", flush=True)

    while True:
        now = time.monotonic()
        for d, (frame, out, deadline) in list(held.items()):
            if now >= deadline:
                send(out, frame)
                del held[d]
                print(f"{d}: released held frame after timeout", flush=True)
        timeout = min((h[2] for h in held.values()), default=now + 1) - now
        ready, _, _ = select.select(list(socks.values()), [], [], max(timeout, 0))
        for s in ready:
            name = by_fd[s.fileno()]
            frame, addr = s.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            out, vid, d = routes[name]
            if vid is not None:
                frame = push_tag(frame, vid)
            info = tcp_info(frame)
            action = None
            if info and info[1] > 0:
                if any(info[0] < hs + hl and hs < info[0] + info[1] for hs, hl in holes.get(d, ())):
                    print(f"{d}: dropped retransmission seq={info[0]}", flush=True)
                    continue
                counts[d] = counts.get(d, 0) + 1
                action = rules.get((d, counts[d]))
            if action:
                print(f"{d}: {action} payload frame #{counts[d]} seq={info[0]} len={info[1]}", flush=True)
            if action == "hold":
                held[d] = (frame, out, time.monotonic() + 0.3)
                continue
            if action == "drop":
                continue
            if action == "blackhole":
                holes.setdefault(d, set()).add((info[0], info[1]))
                continue
            send(out, frame)
            if action == "dup":
                send(out, frame)
            if d in held and info and info[1] > 0:
                frame2, out2, _ = held.pop(d)
                send(out2, frame2)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        pass
