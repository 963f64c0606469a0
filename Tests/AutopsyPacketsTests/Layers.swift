// Hand-built headers, one commented field per line. Packets in the tests are these
// layers concatenated; each IP length field below is written for the layers that
// follow it, as the comments say.

/// 10 payload bytes: the start of a TLS handshake record.
let payload10 = hex(
    """
    16 03 01 00 05  // TLS record: handshake, version 3.1, length 5
    01 00 00 01 00  // handshake: ClientHello, length 1, body 00
    """)

/// TCP header with options, 32 bytes (RFC 9293, 3.1).
let tcpPushWithOptions = hex(
    """
    c3 50           // source port 50000
    01 bb           // destination port 443
    00 00 10 00     // sequence number 4096
    00 00 20 00     // acknowledgment number 8192
    80              // data offset 8 words (32 bytes), reserved 0
    18              // flags PSH|ACK
    fa f0           // window 64240
    00 00           // checksum (not checked)
    00 00           // urgent pointer
    01 01           // options: NOP, NOP
    08 0a 00 00 00 01 00 00 00 02  // timestamps: kind 8, length 10, TSval 1, TSecr 2
    """)

/// TCP SYN without options, 20 bytes.
let tcpSyn = hex(
    """
    d4 31           // source port 54321
    00 50           // destination port 80
    ff ff ff f0     // sequence number 4294967280
    00 00 00 00     // acknowledgment number 0
    50              // data offset 5 words (20 bytes)
    02              // flags SYN
    ff ff           // window 65535
    00 00 00 00     // checksum, urgent pointer
    """)

/// IPv4 header for `tcpPushWithOptions + payload10` (RFC 791, 3.1): 20 bytes.
let ipv4ForPush = hex(
    """
    45              // version 4, IHL 5 (20 bytes)
    00              // DSCP 0, ECN 0
    00 3e           // total length 62 = 20 + 32 + 10
    12 34           // identification 0x1234
    40 00           // flags DF, fragment offset 0
    40              // TTL 64
    06              // protocol TCP
    00 00           // header checksum (not checked)
    0a 00 00 01     // source 10.0.0.1
    0a 00 00 02     // destination 10.0.0.2
    """)

/// IPv4 header with a 4-byte option for `tcpPushWithOptions + payload10`: 24 bytes.
let ipv4WithOptionsForPush = hex(
    """
    46              // version 4, IHL 6 (24 bytes)
    00              // DSCP 0, ECN 0
    00 42           // total length 66 = 24 + 32 + 10
    ab cd           // identification 0xabcd
    00 00           // no flags, fragment offset 0
    7f              // TTL 127
    06              // protocol TCP
    00 00           // header checksum
    c0 a8 01 0a     // source 192.168.1.10
    c0 a8 01 14     // destination 192.168.1.20
    94 04 00 00     // option: router alert (type 148, length 4, value 0)
    """)

/// IPv4 header for `tcpSyn` alone: 20 bytes.
let ipv4ForSyn = hex(
    """
    45 00           // version 4, IHL 5; DSCP, ECN
    00 28           // total length 40 = 20 + 20
    00 01           // identification 1
    40 00           // DF
    01              // TTL 1
    06              // protocol TCP
    00 00           // checksum
    ac 10 00 01     // source 172.16.0.1
    ac 10 00 02     // destination 172.16.0.2
    """)

/// IPv6 header for `tcpPushWithOptions + payload10` (RFC 8200, 3): 40 bytes.
let ipv6ForPush = hex(
    """
    60 00 00 00     // version 6, traffic class 0, flow label 0
    00 2a           // payload length 42 = 32 + 10
    06              // next header TCP
    40              // hop limit 64
    20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  // source 2001:db8::1
    20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02  // destination 2001:db8::2
    """)

/// IPv6 header followed by five extension headers, then `tcpPushWithOptions + payload10`.
/// Fixed header 40 + extensions 72 = 112 bytes.
let ipv6WithExtensionsForPush = hex(
    """
    60 00 00 00     // version 6
    00 72           // payload length 114 = 8 + 8 + 24 + 8 + 24 (extensions) + 42
    00              // next header: hop-by-hop options (0)
    ff              // hop limit 255
    fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 0a  // source fe80::a
    fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 0b  // destination fe80::b
    3c              // hop-by-hop: next header destination options (60)
    00              //   length 0 (8 bytes)
    01 04 00 00 00 00  // PadN option, 4 bytes
    2b              // destination options: next header routing (43)
    00              //   length 0 (8 bytes)
    01 04 00 00 00 00  // PadN
    2c              // routing: next header fragment (44)
    02              //   length 2 (24 bytes)
    00 00           //   routing type 0, segments left 0
    00 00 00 00     //   reserved
    20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 99  // address 2001:db8::99
    33              // fragment: next header AH (51)
    00              //   reserved
    00 00           //   offset 0, M 0: an atomic fragment, a whole packet
    00 00 ab cd     //   identification
    06              // AH: next header TCP
    04              //   payload length 4: (4 + 2) * 4 = 24 bytes
    00 00           //   reserved
    00 00 01 00     //   SPI
    00 00 00 01     //   sequence number
    00 11 22 33 44 55 66 77 88 99 aa bb  // ICV, 12 bytes
    """)

/// Offsets of the extension headers' length bytes in `ipv6WithExtensionsForPush`
/// (hop-by-hop, destination options, routing, AH), and of the fragment offset field.
let ipv6ExtensionLengthOffsets = [41, 49, 57, 89]
let ipv6FragmentOffsetField = 82

/// Ethernet II header with ethertype IPv4 (14 bytes).
let ethernetIPv4 = hex(
    """
    00 11 22 33 44 55  // destination MAC
    66 77 88 99 aa bb  // source MAC
    08 00              // ethertype IPv4
    """)

/// Ethernet II header with ethertype IPv6 (14 bytes).
let ethernetIPv6 = hex(
    """
    00 11 22 33 44 55  // destination MAC
    66 77 88 99 aa bb  // source MAC
    86 dd              // ethertype IPv6
    """)

/// Ethernet with one 802.1Q tag, VLAN 100, then IPv4 (18 bytes).
let ethernetVLAN100 = hex(
    """
    00 11 22 33 44 55  // destination MAC
    66 77 88 99 aa bb  // source MAC
    81 00              // TPID 802.1Q
    a0 64              // PCP 5, DEI 0, VID 100
    08 00              // ethertype IPv4
    """)

/// Ethernet with 802.1ad outer tag 200 and 802.1Q inner tag 100 (QinQ), then IPv6.
let ethernetQinQ = hex(
    """
    00 11 22 33 44 55  // destination MAC
    66 77 88 99 aa bb  // source MAC
    88 a8              // TPID 802.1ad (service tag)
    00 c8              // VID 200
    81 00              // TPID 802.1Q (customer tag)
    00 64              // VID 100
    86 dd              // ethertype IPv6
    """)

/// Ethernet with three tags (0x9100, 0x88a8, 0x8100): the first two ids are kept.
let ethernetThreeTags = hex(
    """
    00 11 22 33 44 55  // destination MAC
    66 77 88 99 aa bb  // source MAC
    91 00 0f ff        // legacy QinQ TPID 0x9100, VID 4095
    88 a8 00 02        // 802.1ad, VID 2
    81 00 00 03        // 802.1Q, VID 3
    08 00              // ethertype IPv4
    """)

/// Linux cooked capture v1 header (16 bytes), protocol IPv4.
let sllIPv4 = hex(
    """
    00 00              // packet type: sent to us
    00 01              // ARPHRD_ETHER
    00 06              // link-layer address length 6
    66 77 88 99 aa bb 00 00  // address, padded to 8
    08 00              // protocol IPv4
    """)

/// Linux cooked capture v2 header (20 bytes), protocol IPv6.
let sll2IPv6 = hex(
    """
    86 dd              // protocol IPv6
    00 00              // reserved
    00 00 00 02        // interface index 2
    00 01              // ARPHRD_ETHER
    04                 // packet type: outgoing
    06                 // link-layer address length 6
    66 77 88 99 aa bb 00 00  // address, padded to 8
    """)

/// Linux cooked capture v2 header (20 bytes), protocol IPv4.
let sll2IPv4 = hex(
    """
    08 00              // protocol IPv4
    00 00              // reserved
    00 00 00 01        // interface index 1 (lo)
    03 04              // ARPHRD_LOOPBACK (772)
    00                 // packet type: to us
    06                 // address length 6
    00 00 00 00 00 00 00 00  // address
    """)

/// BSD loopback, AF_INET in little-endian host order.
let nullIPv4LittleEndian = hex("02 00 00 00  // AF_INET 2, little-endian")
/// BSD loopback, AF_INET in big-endian host order.
let nullIPv4BigEndian = hex("00 00 00 02  // AF_INET 2, big-endian")
/// BSD loopback, Darwin AF_INET6 (30), little-endian.
let nullIPv6Darwin = hex("1e 00 00 00  // AF_INET6 30 (Darwin), little-endian")
/// BSD loopback, FreeBSD AF_INET6 (28), big-endian.
let nullIPv6FreeBSD = hex("00 00 00 1c  // AF_INET6 28 (FreeBSD), big-endian")
/// OpenBSD loopback (LOOP), AF_INET6 (24), network order.
let loopIPv6 = hex("00 00 00 18  // AF_INET6 24 (OpenBSD), network order")
/// OpenBSD loopback (LOOP), AF_INET, network order.
let loopIPv4 = hex("00 00 00 02  // AF_INET 2, network order")
