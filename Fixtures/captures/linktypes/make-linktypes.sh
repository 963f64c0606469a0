#!/bin/sh
# Re-creates the link-type sample captures in this directory from real loopback TLS
# traffic (see README.md). Needs root (tcpdump), openssl, curl, editcap and python3.
# The captures differ on every run (addresses are fixed, ports, keys and times are not).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -keyout key.pem -out cert.pem \
    -days 3650 -nodes -subj "/CN=localhost" 2>/dev/null

filter='tcp port 44330 or tcp port 44331'
tcpdump -i lo -U --time-stamp-precision=nano -w lo.pcap "$filter" 2>/dev/null & echo $! > tcpdump-lo.pid
tcpdump -i any -y LINUX_SLL2 -U -w sll2.pcap "$filter" 2>/dev/null & echo $! > tcpdump-sll2.pid
tcpdump -i any -y LINUX_SLL -U -w sll.pcap "$filter" 2>/dev/null & echo $! > tcpdump-sll.pid
openssl s_server -accept 127.0.0.1:44330 -cert cert.pem -key key.pem -www -quiet >/dev/null 2>&1 & echo $! > s4.pid
openssl s_server -accept '[::1]:44331' -cert cert.pem -key key.pem -www -quiet >/dev/null 2>&1 & echo $! > s6.pid
sleep 2
# One TLS 1.3 connection over IPv4, one TLS 1.2 connection over IPv6.
curl -sk --tlsv1.3 https://127.0.0.1:44330/ -o /dev/null
curl -sk --tls-max 1.2 'https://[::1]:44331/' -o /dev/null
sleep 1
for p in tcpdump-lo tcpdump-sll2 tcpdump-sll s4 s6; do kill "$(cat $p.pid)"; rm $p.pid; done
sleep 1

out=$here
cp lo.pcap "$out/ethernet-loopback-tls12-tls13-nanosecond.pcap"
editcap -F pcapng lo.pcap "$out/ethernet-loopback-tls12-tls13-nanosecond.pcapng"
cp sll2.pcap "$out/linux-sll2-any-tls12-tls13.pcap"
cp sll.pcap "$out/linux-sll-any-tls12-tls13.pcap"
# Raw IP: chop the 14-byte Ethernet header and relabel.
editcap -F pcap -C 14 -T rawip lo.pcap "$out/raw-ip-tls12-tls13.pcap"
tcpdump -r lo.pcap -w lo4.pcap ip 2>/dev/null
tcpdump -r lo.pcap -w lo6.pcap ip6 2>/dev/null
editcap -F pcapng -C 14 -T rawip4 lo4.pcap "$out/ipv4-linktype-tls13.pcapng"
editcap -F pcap -C 14 -T rawip6 lo6.pcap "$out/ipv6-linktype-tls12.pcap"

# NULL, LOOP and QinQ: replace the Ethernet header of each record (python3, stdlib only).
python3 - lo.pcap "$out" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
endian = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'

def rewrite(dst, linktype, frame):
    body = bytearray(data[:20] + struct.pack(endian + 'I', linktype))
    offset = 24
    while offset + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(endian + 'IIII', data[offset:offset + 16])
        packet = data[offset + 16:offset + 16 + incl]
        offset += 16 + incl
        new = frame(packet)
        body += struct.pack(endian + 'IIII', sec, frac, len(new), orig - incl + len(new)) + new
    open(dst, 'wb').write(bytes(body))

def family(packet, inet, inet6, order):
    ethertype = packet[12:14]
    value = inet if ethertype == b'\x08\x00' else inet6
    return struct.pack(order + 'I', value) + packet[14:]

# NULL: address family in the capturing host's order; here little-endian, with
# Darwin's AF_INET6 (30), as a macOS capture of lo0 has it.
rewrite(out + '/null-bsd-loopback-tls12-tls13.pcap', 0, lambda p: family(p, 2, 30, '<'))
# LOOP: network order, OpenBSD's AF_INET6 (24).
rewrite(out + '/loop-openbsd-tls12-tls13.pcap', 108, lambda p: family(p, 2, 24, '>'))
# QinQ: an 802.1ad tag (VLAN 200) and an 802.1Q tag (VLAN 100) after the MAC addresses.
rewrite(out + '/ethernet-qinq-200-100-tls12-tls13.pcap', 1,
        lambda p: p[:12] + bytes.fromhex('88a800c881000064') + p[12:])
PY
ls -l "$out"
