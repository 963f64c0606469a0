#!/usr/bin/env python3
"""Cut fuzz seeds out of the fixture captures (Fixtures/captures), one directory per
libFuzzer target under Fixtures/fuzz-seeds/:

  records/       the first bytes of each direction's TCP stream (TLS records)
  client-hello/  ClientHello message bodies
  server-hello/  ServerHello (and HelloRetryRequest) bodies
  certificate/   Certificate, CertificateRequest, ServerKeyExchange, NewSessionTicket bodies
  packet/        one captured frame, after a byte that picks its link type
  pipeline/      whole small captures, or the first packets of larger ones
  tcp/           segment programs for the reassembly target (TCPFuzzTargets.swift says how
                 they read): a clean connection, one reordered, one with losses and a reset

Seeds are named for the capture they come from, so a diff shows what changed. Files named
`crash-*` are minimized crashers found by fuzzing: they are kept, never regenerated.
Run after `make fixtures`:  python3 Tests/Tools/make-fuzz-seeds.py
"""

import argparse
import hashlib
import os
import struct
import sys

# The order of LinkType.supported in Sources/AutopsyPackets/LinkType.swift: the packet
# target picks the link type by its first byte modulo this list's length.
SUPPORTED_LINK_TYPES = [0, 1, 101, 108, 113, 228, 229, 276]
HANDSHAKE_TARGETS = {1: "client-hello", 2: "server-hello", 4: "certificate", 11: "certificate",
                     12: "certificate", 13: "certificate"}
CAPS = {"records": 80, "client-hello": 60, "server-hello": 40, "certificate": 40, "packet": 60,
        "pipeline": 48, "tcp": 8}
STREAM_PREFIX = 6 * 1024
PIPELINE_BYTES = 16 * 1024


def read_pcap(data):
    """(link type, nanosecond?, big endian?, [(header bytes, frame bytes)]) of a classic pcap file."""
    if len(data) < 24:
        raise ValueError("shorter than a pcap header")
    magic = data[:4]
    table = {b"\xd4\xc3\xb2\xa1": ("<", False), b"\xa1\xb2\xc3\xd4": (">", False),
             b"\x4d\x3c\xb2\xa1": ("<", True), b"\xa1\xb2\x3c\x4d": (">", True)}
    if magic not in table:
        raise ValueError("not a classic pcap file")
    endian, nano = table[magic]
    link_type = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    packets = []
    offset = 24
    while offset + 16 <= len(data):
        captured = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        end = offset + 16 + captured
        if end > len(data):
            break
        packets.append((data[offset:offset + 16], data[offset + 16:end]))
        offset = end
    return link_type, data[:24], packets


def tcp_of_ethernet(frame):
    """(flow key, seq, flags, payload) of an Ethernet/IPv4|IPv6/TCP frame, or None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack(">H", frame[12:14])[0]
    offset = 14
    while ethertype in (0x8100, 0x88A8) and len(frame) >= offset + 4:
        ethertype = struct.unpack(">H", frame[offset + 2:offset + 4])[0]
        offset += 4
    if ethertype == 0x0800 and len(frame) >= offset + 20:
        ihl = (frame[offset] & 0x0F) * 4
        total = struct.unpack(">H", frame[offset + 2:offset + 4])[0]
        if frame[offset + 9] != 6:
            return None
        src, dst = frame[offset + 12:offset + 16], frame[offset + 16:offset + 20]
        ip_end = min(offset + total, len(frame))
        offset += ihl
    elif ethertype == 0x86DD and len(frame) >= offset + 40:
        if frame[offset + 6] != 6:
            return None
        length = struct.unpack(">H", frame[offset + 4:offset + 6])[0]
        src, dst = frame[offset + 8:offset + 24], frame[offset + 24:offset + 40]
        ip_end = min(offset + 40 + length, len(frame))
        offset += 40
    else:
        return None
    if len(frame) < offset + 20:
        return None
    sport, dport, seq = struct.unpack(">HHI", frame[offset:offset + 8])
    data_offset = (frame[offset + 12] >> 4) * 4
    flags = frame[offset + 13]
    payload = frame[offset + data_offset:ip_end]
    return (src, sport, dst, dport), seq, flags, payload


def streams(packets):
    """Each direction's bytes in sequence order from its first segment (gaps end it)."""
    segments = {}
    for _, frame in packets:
        decoded = tcp_of_ethernet(frame)
        if decoded is None:
            continue
        key, seq, flags, payload = decoded
        entry = segments.setdefault(key, {"isn": None, "parts": []})
        if flags & 0x02:
            entry["isn"] = (seq + 1) & 0xFFFFFFFF
        elif payload:
            entry["parts"].append((seq, payload))
    result = []
    for key, entry in segments.items():
        if not entry["parts"]:
            continue
        base = entry["isn"] if entry["isn"] is not None else entry["parts"][0][0]
        stream = bytearray()
        for seq, payload in sorted(entry["parts"], key=lambda part: (part[0] - base) & 0xFFFFFFFF):
            relative = (seq - base) & 0xFFFFFFFF
            if relative > len(stream):
                break
            stream += payload[len(stream) - relative:]
        result.append((key, bytes(stream)))
    return result


def handshake_messages(stream):
    """Handshake messages (type, body) from the plaintext records at a stream's start."""
    offset = 0
    joined = bytearray()
    messages = []
    while offset + 5 <= len(stream):
        content_type, major = stream[offset], stream[offset + 1]
        length = struct.unpack(">H", stream[offset + 3:offset + 5])[0]
        if content_type not in (20, 21, 22, 23, 24) or major != 3:
            break
        body = stream[offset + 5:offset + 5 + length]
        offset += 5 + length
        if content_type == 20 or content_type == 23:
            break
        if content_type != 22:
            continue
        joined += body
        while len(joined) >= 4:
            size = int.from_bytes(joined[1:4], "big")
            if len(joined) < 4 + size:
                break
            messages.append((joined[0], bytes(joined[4:4 + size])))
            del joined[:4 + size]
    return messages


def first_packets(header, packets, limit):
    """A capture holding the first packets of `packets` that fit in `limit` bytes."""
    out = bytearray(header)
    for record_header, frame in packets:
        if len(out) + 16 + len(frame) > limit:
            break
        out += record_header + frame
    return bytes(out)


class Seeds:
    """Seeds by target, deduplicated by content, at most CAPS[target] each, taken from the
    captures in turn (the first candidate of every capture, then the second, ...)."""

    def __init__(self):
        self.candidates = {target: {} for target in CAPS}

    def add(self, target, name, data, source):
        if data:
            self.candidates[target].setdefault(source, []).append((name, data))

    def chosen(self, target):
        seeds = {}
        queues = [list(found) for _, found in sorted(self.candidates[target].items())]
        while queues and len(seeds) < CAPS[target]:
            for queue in queues:
                if queue and len(seeds) < CAPS[target]:
                    name, data = queue.pop(0)
                    seeds.setdefault(hashlib.sha256(data).hexdigest(), (name, data))
            queues = [queue for queue in queues if queue]
        return seeds

    def write(self, root):
        for target in CAPS:
            seeds = self.chosen(target)
            directory = os.path.join(root, target)
            os.makedirs(directory, exist_ok=True)
            for entry in os.listdir(directory):
                if not entry.startswith("crash-"):
                    os.remove(os.path.join(directory, entry))
            for name, data in seeds.values():
                with open(os.path.join(directory, name), "wb") as handle:
                    handle.write(data)
            print(f"{target}: {len(seeds)} seeds")


# Flag choices of TCPFuzzTargets: SYN, SYN-ACK, ACK, ACK-PSH, FIN-ACK, RST, ACK, PSH.
SYN_, SYNACK_, ACK_, PSH_, FIN_, RST_ = 0, 1, 2, 3, 4, 5


def tcp_op(connection, from_client, flags, offset, length, step=1, cut=False):
    control = (connection & 3) | (0 if from_client else 4) | (flags << 3) | (0x40 if cut else 0)
    return struct.pack(">BhBB", control, offset, length, step)


def tcp_programs():
    """Segment programs: (name, bytes)."""
    handshake = [tcp_op(0, True, SYN_, -1, 0), tcp_op(0, False, SYNACK_, -1, 0), tcp_op(0, True, ACK_, 0, 0)]
    clean = handshake + [tcp_op(0, True, PSH_, 0, 200), tcp_op(0, False, PSH_, 0, 255),
                         tcp_op(0, False, PSH_, 255, 100), tcp_op(0, True, PSH_, 200, 50),
                         tcp_op(0, True, FIN_, 250, 0), tcp_op(0, False, FIN_, 355, 0)]
    reordered = handshake + [tcp_op(0, True, PSH_, 100, 100), tcp_op(0, True, PSH_, 300, 100),
                             tcp_op(0, True, PSH_, 0, 100), tcp_op(0, True, PSH_, 150, 200),
                             tcp_op(0, True, PSH_, 0, 50), tcp_op(0, True, FIN_, 400, 0)]
    lossy = handshake + [tcp_op(1, True, SYN_, -1, 0), tcp_op(0, True, PSH_, 5000, 255, step=60),
                         tcp_op(1, False, PSH_, 0, 10, cut=True), tcp_op(0, False, RST_, 0, 0, step=250),
                         tcp_op(2, True, PSH_, 0, 30), tcp_op(3, False, PSH_, -32768, 255)]
    return [("clean", b"".join(clean)), ("reordered", b"".join(reordered)), ("lossy", b"".join(lossy))]


def loaded(paths):
    """(path, file name stem, file bytes, link type, file header, packets) of each readable pcap."""
    for path in sorted(paths):
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            link_type, header, packets = read_pcap(data)
        except ValueError:
            continue
        yield path, os.path.splitext(os.path.basename(path))[0], data, link_type, header, packets


def collect(captures, linktypes):
    seeds = Seeds()
    for path, stem, data, link_type, header, packets in loaded(captures):
        seeds.add("pipeline", stem + ".pcap",
                  data if len(data) <= PIPELINE_BYTES else first_packets(header, packets, PIPELINE_BYTES), path)
        if link_type != 1:
            continue
        for index, (_, stream) in enumerate(streams(packets)):
            # Streams that do not start with a whole TLS record keep a -norecord suffix: the
            # replay test expects records from every other seed.
            whole = (len(stream) >= 5 and 20 <= stream[0] <= 24 and stream[1] == 3
                     and len(stream) >= 5 + int.from_bytes(stream[3:5], "big"))
            suffix = "" if whole else "-norecord"
            seeds.add("records", f"{stem}-dir{index}{suffix}", stream[:STREAM_PREFIX], path)
            for number, (kind, body) in enumerate(handshake_messages(stream)):
                target = HANDSHAKE_TARGETS.get(kind)
                if target:
                    seeds.add(target, f"{stem}-dir{index}-msg{number}-type{kind}", body, path)
    for name, program in tcp_programs():
        seeds.add("tcp", name, program, "tcp")
    for path, stem, _, link_type, header, packets in loaded(linktypes):
        seeds.add("pipeline", stem + ".pcap", first_packets(header, packets, PIPELINE_BYTES), " " + path)
        if link_type not in SUPPORTED_LINK_TYPES:
            continue
        selector = bytes([SUPPORTED_LINK_TYPES.index(link_type)])
        for number, (_, frame) in enumerate(packets[:8]):
            seeds.add("packet", f"{stem}-frame{number}", selector + frame, path)
    return seeds


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", default=os.path.join(root, "Fixtures", "captures"))
    parser.add_argument("--out", default=os.path.join(root, "Fixtures", "fuzz-seeds"))
    args = parser.parse_args()
    captures = [os.path.join(args.fixtures, name) for name in os.listdir(args.fixtures)
                if name.endswith(".pcap")]
    linktype_dir = os.path.join(args.fixtures, "linktypes")
    linktypes = [os.path.join(linktype_dir, name) for name in os.listdir(linktype_dir)
                 if name.endswith(".pcap")] if os.path.isdir(linktype_dir) else []
    if not captures:
        sys.exit(f"make-fuzz-seeds: no .pcap under {args.fixtures}: run make fixtures first")
    collect(captures + [os.path.join(args.fixtures, "demo", "demo.pcap")], linktypes).write(args.out)


if __name__ == "__main__":
    main()
