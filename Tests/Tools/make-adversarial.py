#!/usr/bin/env python3
"""Write adversarial captures: the input an attacker (or a broken capture) hands the
analyzer. The engine tests (Tests/AutopsyEngineTests/AdversarialCaptureTests.swift) run
every one and check, from the run's counters, that memory stayed within Limits.

  syn-flood.pcap             N SYNs (default 1,000,000) from distinct clients: half-open flows
  handshake-16mb.pcap        a ClientHello announcing 16 MiB, followed by 1 MiB of handshake records
  out-of-order-100k.pcap     one flow whose first segment comes last, after 100,000 shuffled ones
  record-lengths.pcap        records of length 0 before a ClientHello; a server record of 2^14+2049
  overlap-conflict.pcap      segments that overlap earlier ones with different bytes
  lying-client-hello.pcap    ClientHellos whose inner lengths lie, one lie per flow
  truncated.pcap             a valid capture cut in the middle of a packet
  garbage-after-header.pcap  a valid pcap file header followed by random bytes

Hand-built bytes are fine here: these are edge cases no real TLS stack sends.
Usage: python3 Tests/Tools/make-adversarial.py --out DIR [--syn-flows N] [--only NAME ...]
"""

import argparse
import os
import random
import struct

CLIENT_SNI = b"first.example"
OTHER_SNI = b"other.example"  # same length: a conflicting retransmission


class PcapWriter:
    """A classic little-endian microsecond pcap file of Ethernet frames."""

    def __init__(self, path):
        self.file = open(path, "wb")
        self.file.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.micros = 1_700_000_000 * 1_000_000

    def write(self, frame, step=1):
        self.micros += step
        self.file.write(struct.pack("<IIII", self.micros // 1_000_000, self.micros % 1_000_000,
                                    len(frame), len(frame)))
        self.file.write(frame)

    def close(self):
        self.file.close()


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    """Ethernet + IPv4 + TCP (checksums zero: the analyzer does not check them)."""
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags,
                      65535, 0, 0)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0,
                     bytes(src), bytes(dst))
    ethernet = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return ethernet + ip + tcp + payload


SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04


class Connection:
    """One TCP connection: handshake, data in either direction, close."""

    def __init__(self, writer, client_port, client=(10, 0, 0, 1), server=(10, 0, 0, 2), port=443):
        self.writer, self.port = writer, port
        self.client, self.server, self.client_port = client, server, client_port
        self.client_seq, self.server_seq = 1000, 50000
        writer.write(self.frame(True, self.client_seq - 1, 0, SYN))
        writer.write(self.frame(False, self.server_seq - 1, self.client_seq, SYN | ACK))
        writer.write(self.frame(True, self.client_seq, self.server_seq, ACK))

    def frame(self, from_client, seq, ack, flags, payload=b""):
        if from_client:
            return tcp_frame(self.client, self.server, self.client_port, self.port, seq, ack, flags, payload)
        return tcp_frame(self.server, self.client, self.port, self.client_port, seq, ack, flags, payload)

    def send(self, from_client, data, mss=1448):
        for start in range(0, len(data), mss):
            self.segment(from_client, start, data[start:start + mss])
        self.advance(from_client, len(data))

    def segment(self, from_client, offset, payload):
        """Writes a segment at `offset` from the direction's next sequence number."""
        seq = (self.client_seq if from_client else self.server_seq) + offset
        ack = self.server_seq if from_client else self.client_seq
        self.writer.write(self.frame(from_client, seq, ack, PSH | ACK, payload))

    def advance(self, from_client, count):
        if from_client:
            self.client_seq += count
        else:
            self.server_seq += count

    def close(self):
        self.writer.write(self.frame(True, self.client_seq, self.server_seq, FIN | ACK))
        self.writer.write(self.frame(False, self.server_seq, self.client_seq + 1, FIN | ACK))
        self.writer.write(self.frame(True, self.client_seq + 1, self.server_seq + 1, ACK))


def record(content_type, body, version=0x0303):
    return struct.pack(">BHH", content_type, version, len(body)) + body


def handshake(kind, body):
    return struct.pack(">B", kind) + len(body).to_bytes(3, "big") + body


def vector(data, length_bytes):
    return len(data).to_bytes(length_bytes, "big") + data


def sni_extension(name):
    entry = b"\x00" + vector(name, 2)
    return struct.pack(">H", 0) + vector(vector(entry, 2), 2)


def client_hello_body(name=CLIENT_SNI, session_id=b"\x11" * 32, suites=(0x1301, 0xC02F, 0x009C),
                      extensions=None):
    if extensions is None:
        versions = struct.pack(">H", 43) + vector(vector(b"\x03\x04\x03\x03", 1), 2)
        groups = struct.pack(">H", 10) + vector(vector(b"\x00\x1d\x00\x17", 2), 2)
        extensions = sni_extension(name) + versions + groups
    return (b"\x03\x03" + bytes(range(32)) + vector(session_id, 1)
            + vector(b"".join(struct.pack(">H", s) for s in suites), 2) + b"\x01\x00"
            + vector(extensions, 2))


def client_hello_record(name=CLIENT_SNI):
    return record(0x16, handshake(1, client_hello_body(name)), version=0x0301)


def server_hello_record():
    body = (b"\x03\x03" + bytes(range(32, 64)) + vector(b"\x22" * 32, 1) + struct.pack(">H", 0xC02F)
            + b"\x00" + vector(b"", 2))
    return record(0x16, handshake(2, body))


def syn_flood(path, flows):
    writer = PcapWriter(path)
    server = bytes((192, 0, 2, 1))
    template = bytearray(tcp_frame((10, 0, 0, 0), server, 1024, 443, 12345, 0, SYN))
    header = bytearray(16)
    micros = writer.micros
    chunks = []
    for index in range(flows):
        # Client address 10.x.y.z and port vary with the index: every SYN opens a new flow.
        struct.pack_into(">BBB", template, 27, (index >> 24) & 0xFF, (index >> 16) & 0xFF, (index >> 8) & 0xFF)
        struct.pack_into(">H", template, 34, 1024 + (index & 0xFF))
        micros += 1
        struct.pack_into("<IIII", header, 0, micros // 1_000_000, micros % 1_000_000, len(template), len(template))
        chunks.append(bytes(header) + bytes(template))
        if len(chunks) >= 65536:
            writer.file.write(b"".join(chunks))
            chunks = []
    writer.file.write(b"".join(chunks))
    writer.close()


def handshake_16mb(path):
    writer = PcapWriter(path)
    connection = Connection(writer, 40001)
    announced = handshake(1, b"")[:1] + (16 * 1024 * 1024 - 1).to_bytes(3, "big")
    filler = bytes(random.Random(16).getrandbits(8) for _ in range(16380))
    stream = record(0x16, announced + filler)
    for _ in range(63):
        stream += record(0x16, filler + b"\x00\x00\x00\x00")
    connection.send(True, stream)
    connection.close()
    writer.close()


def out_of_order(path, segments=100_000, size=100):
    writer = PcapWriter(path)
    connection = Connection(writer, 40002)
    stream = client_hello_record() + bytes(segments * size)
    pieces = [(offset, stream[offset:offset + size]) for offset in range(0, len(stream), size)]
    first, rest = pieces[0], pieces[1:]
    random.Random(100_000).shuffle(rest)
    for offset, payload in rest:
        connection.segment(True, offset, payload)
    connection.segment(True, first[0], first[1])
    connection.advance(True, len(stream))
    connection.close()
    writer.close()


def record_lengths(path):
    writer = PcapWriter(path)
    # Records of length 0 (handshake, alert, application data) before a real ClientHello.
    first = Connection(writer, 40003)
    first.send(True, record(0x16, b"") + record(0x15, b"") + record(0x17, b"") + client_hello_record())
    first.send(False, server_hello_record())
    first.close()
    # A server record one byte past TLS 1.2's ciphertext bound (2^14 + 2048).
    second = Connection(writer, 40004)
    second.send(True, client_hello_record())
    second.send(False, record(0x16, bytes(2 ** 14 + 2049)))
    second.close()
    # The same, as the client's first record.
    third = Connection(writer, 40005)
    third.send(True, record(0x16, bytes(2 ** 14 + 2049)))
    third.close()
    writer.close()


def overlap_conflict(path):
    writer = PcapWriter(path)
    hello, other = client_hello_record(CLIENT_SNI), client_hello_record(OTHER_SNI)
    # In order, then the whole hello again with a different name: the first copy counts.
    first = Connection(writer, 40006)
    first.segment(True, 0, hello[:60])
    first.segment(True, 60, hello[60:])
    first.segment(True, 0, other)
    first.advance(True, len(hello))
    first.send(False, server_hello_record())
    first.close()
    # Out of order: the tail twice with different bytes, then the head overlapping both.
    second = Connection(writer, 40007)
    second.segment(True, 60, hello[60:])
    second.segment(True, 60, other[60:])
    second.segment(True, 0, other[:80])
    second.advance(True, len(hello))
    second.send(False, server_hello_record())
    second.close()
    writer.close()


def lying_client_hellos():
    """ClientHello bodies, each with one inner length that lies."""
    good = client_hello_body()
    session_at = 34
    suites_at = session_at + 1 + 32
    extensions_at = suites_at + 2 + 6 + 2
    sni_list_at = extensions_at + 2 + 4
    lies = {
        "session id longer than 32": good[:session_at] + b"\xc8" + good[session_at + 1:],
        "cipher suites past the end": good[:suites_at] + b"\xff\xfe" + good[suites_at + 2:],
        "odd cipher suites length": good[:suites_at] + b"\x00\x05" + good[suites_at + 2:],
        "extensions past the end": good[:extensions_at] + b"\xff\xff" + good[extensions_at + 2:],
        "extensions shorter than given": good[:extensions_at] + b"\x00\x03" + good[extensions_at + 2:],
        "server name list past its extension": good[:sni_list_at] + b"\x7f\xff" + good[sni_list_at + 2:],
        "compression methods length zero": good[:suites_at + 8] + b"\x00" + good[suites_at + 9:],
        "cut after the random": good[:34],
    }
    return list(lies.items())


def lying_client_hello(path):
    writer = PcapWriter(path)
    for number, (_, body) in enumerate(lying_client_hellos()):
        connection = Connection(writer, 41000 + number)
        connection.send(True, record(0x16, handshake(1, body), version=0x0301))
        connection.close()
    # A handshake header whose length runs past everything the client sends.
    last = Connection(writer, 41100)
    last.send(True, record(0x16, handshake(1, client_hello_body())[:4 + 20]))
    last.close()
    writer.close()


def truncated(path):
    writer = PcapWriter(path)
    connection = Connection(writer, 40008)
    connection.send(True, client_hello_record())
    connection.send(False, server_hello_record())
    connection.close()
    writer.close()
    with open(path, "rb") as handle:
        data = handle.read()
    with open(path, "wb") as handle:
        handle.write(data[:-30])  # inside the last packet's bytes


def garbage_after_header(path):
    rng = random.Random(8)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        handle.write(bytes(rng.getrandbits(8) for _ in range(64 * 1024)))


CAPTURES = {
    "syn-flood": None,
    "handshake-16mb": handshake_16mb,
    "out-of-order-100k": out_of_order,
    "record-lengths": record_lengths,
    "overlap-conflict": overlap_conflict,
    "lying-client-hello": lying_client_hello,
    "truncated": truncated,
    "garbage-after-header": garbage_after_header,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="directory to write the captures to")
    parser.add_argument("--syn-flows", type=int, default=1_000_000, help="SYNs in syn-flood.pcap")
    parser.add_argument("--only", nargs="*", choices=sorted(CAPTURES), help="write only these")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in args.only or CAPTURES:
        path = os.path.join(args.out, name + ".pcap")
        if name == "syn-flood":
            syn_flood(path, args.syn_flows)
        else:
            CAPTURES[name](path)
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
