"""Unit tests for corpus-agreement.py (run: python3 -m unittest discover -s Tests/Tools -p 'test_*.py')."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import stat
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

_SCRIPT = Path(__file__).resolve().parent / "corpus-agreement.py"
_SPEC = importlib.util.spec_from_file_location("corpus_agreement", _SCRIPT)
assert _SPEC is not None and _SPEC.loader is not None
ca = importlib.util.module_from_spec(_SPEC)
sys.modules["corpus_agreement"] = ca
_SPEC.loader.exec_module(ca)

# The oracle's columns, in MANIFEST.md order.
COLUMNS = (
    "frame.number tcp.stream udp.stream ip.src ipv6.src tcp.srcport udp.srcport ip.dst ipv6.dst tcp.dstport "
    "udp.dstport tls.record.content_type tls.record.version tls.handshake.type tls.handshake.version "
    "tls.handshake.extensions.supported_version tls.handshake.ciphersuite tls.handshake.cipherspec "
    "tls.handshake.extensions_server_name tls.handshake.extensions_alpn_str tls.alert_message.level "
    "tls.alert_message.desc tls.handshake.certificate_length x509ce.dNSName tls.handshake.ja3 tls.handshake.ja3s "
    "dtls.record.version dtls.handshake.type dtls.handshake.version dtls.handshake.ciphersuite "
    "dtls.alert_message.level dtls.alert_message.desc quic.version"
).split()

CLIENT = {"ip.src": "10.0.0.1", "tcp.srcport": "50000", "ip.dst": "10.0.0.2", "tcp.dstport": "443"}
SERVER = {"ip.src": "10.0.0.2", "tcp.srcport": "443", "ip.dst": "10.0.0.1", "tcp.dstport": "50000"}


def tsv(*rows: dict[str, str]) -> str:
    lines = ["\t".join(COLUMNS)]
    for row in rows:
        lines.append("\t".join(row.get(c, "") for c in COLUMNS))
    return "\n".join(lines) + "\n"


def row(frame: int, stream: int | None, side: dict[str, str], **fields: str) -> dict[str, str]:
    out = {"frame.number": str(frame), **side}
    if stream is not None:
        out["tcp.stream"] = str(stream)
    for key, value in fields.items():
        out[FIELD_NAMES[key]] = value
    return out


FIELD_NAMES = {
    "ct": "tls.record.content_type",
    "rv": "tls.record.version",
    "ht": "tls.handshake.type",
    "hv": "tls.handshake.version",
    "sv": "tls.handshake.extensions.supported_version",
    "cs": "tls.handshake.ciphersuite",
    "spec": "tls.handshake.cipherspec",
    "sni": "tls.handshake.extensions_server_name",
    "alpn": "tls.handshake.extensions_alpn_str",
    "level": "tls.alert_message.level",
    "desc": "tls.alert_message.desc",
    "udp": "udp.stream",
    "quic": "quic.version",
}


def flow(
    client: tuple[str, int] = ("10.0.0.1", 50000),
    server: tuple[str, int] = ("10.0.0.2", 443),
    **fields: object,
) -> dict[str, object]:
    record: dict[str, object] = {
        "type": "flow",
        "id": 1,
        "client": {"ip": client[0], "port": client[1]},
        "server": {"ip": server[0], "port": server[1]},
        "version": None,
        "cipher": None,
        "client_hello": {"frame": 1, "server_name": None, "alpn": []},
        "server_hello": None,
        "alerts": [],
    }
    record.update(fields)
    return record


def truths_of(*rows: dict[str, str]) -> list:
    return ca.tshark_truth(ca.parse_tsv(tsv(*rows)))


class VersionNames(unittest.TestCase):
    def test_known_versions(self) -> None:
        cases = {
            0x0002: "SSL 2.0",
            0x0300: "SSL 3.0",
            0x0301: "TLS 1.0",
            0x0302: "TLS 1.1",
            0x0303: "TLS 1.2",
            0x0304: "TLS 1.3",
        }
        for code, name in cases.items():
            with self.subTest(code=hex(code)):
                self.assertEqual(ca.version_name(code), name)

    def test_drafts_are_decimal(self) -> None:
        self.assertEqual(ca.version_name(0x7F12), "TLS 1.3 draft 18")
        self.assertEqual(ca.version_name(0x7F1C), "TLS 1.3 draft 28")
        self.assertEqual(ca.version_name(0x7F0E), "TLS 1.3 draft 14")

    def test_unknown_is_lowercase_hex(self) -> None:
        self.assertEqual(ca.version_name(0xFB1A), "0xfb1a")
        self.assertEqual(ca.version_name(0x0A0A), "0x0a0a")
        self.assertIsNone(ca.version_name(None))

    def test_supported_versions_wins_over_legacy_version(self) -> None:
        (truth,) = truths_of(
            row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", sv="0x0a0a,0x0304,0x0303", cs="0x1301,0x1302"),
            row(2, 0, SERVER, ct="22,20", ht="2", hv="0x0303", sv="0x0304", cs="0x1301"),
        )
        self.assertEqual(truth.values["version"], "TLS 1.3")
        self.assertEqual(truth.values["cipher"], 0x1301)

    def test_draft_in_server_hello_version(self) -> None:
        (truth,) = truths_of(
            row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x1301"),
            row(2, 0, SERVER, ct="22", ht="2", hv="0x7f12", cs="0x1301"),
        )
        self.assertEqual(truth.values["version"], "TLS 1.3 draft 18")


class CommaJoinedRows(unittest.TestCase):
    def test_server_flight_in_one_packet(self) -> None:
        (truth,) = truths_of(
            row(4, 0, CLIENT, ct="22", rv="0x0301", ht="1", hv="0x0303", cs="0xc02f,0x0039", sni="a.example",
                alpn="h2,http/1.1"),
            row(6, 0, SERVER, ct="22,22,22,22", rv="0x0301,0x0301,0x0301,0x0301", ht="2,11,12,14", hv="0x0301",
                cs="0x0039"),
            row(8, 0, CLIENT, ct="22,20,22", ht="16"),
        )
        self.assertEqual(truth.stream, 0)
        self.assertEqual(truth.client_hello_frame, 4)
        self.assertEqual(truth.values["sni"], "a.example")
        self.assertEqual(truth.values["alpn"], "h2,http/1.1")
        self.assertEqual(truth.values["version"], "TLS 1.0")
        self.assertEqual(truth.values["cipher"], 0x0039)
        self.assertEqual(truth.values["alerts"], [])
        self.assertEqual(truth.values["encrypted_alerts"], 0)

    def test_first_server_hello_of_the_row_is_taken(self) -> None:
        # A certificate first, then two ServerHellos (as odd as it gets): values belong to the first.
        (truth,) = truths_of(
            row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f"),
            row(2, 0, SERVER, ct="22,22,22", ht="11,2,2", hv="0x0302,0x0303", cs="0x002f,0x0035"),
        )
        self.assertEqual(truth.values["version"], "TLS 1.1")
        self.assertEqual(truth.values["cipher"], 0x002F)

    def test_first_server_hello_of_the_stream_is_taken(self) -> None:
        (truth,) = truths_of(
            row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f"),
            row(2, 0, SERVER, ct="22", ht="2", hv="0x0302", cs="0x002f"),
            row(3, 0, SERVER, ct="22", ht="2", hv="0x0303", cs="0x0035"),
        )
        self.assertEqual(truth.values["version"], "TLS 1.1")

    def test_no_server_hello_gives_nulls(self) -> None:
        (truth,) = truths_of(
            row(1, 0, CLIENT, ct="22", ht="1", hv="0x0301", cs="0x002f"),
            row(2, 0, SERVER, ct="21", level="2", desc="70"),
        )
        self.assertIsNone(truth.values["version"])
        self.assertIsNone(truth.values["cipher"])
        self.assertIsNone(truth.values["sni"])
        self.assertIsNone(truth.values["alpn"])
        self.assertEqual(truth.values["alerts"], [("server", 70)])

    def test_streams_without_client_hello_and_udp_rows_are_ignored(self) -> None:
        truths = truths_of(
            row(1, 0, SERVER, ct="22", ht="2", hv="0x0303", cs="0x002f"),  # capture began after the ClientHello
            row(2, None, CLIENT, udp="0", ht="1", quic="0x00000001"),  # QUIC: udp.stream only
            row(3, 1, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f"),
        )
        self.assertEqual([t.stream for t in truths], [1])

    def test_ssl2_server_hello_and_client_master_key(self) -> None:
        (truth,) = truths_of(
            row(4, 0, CLIENT, rv="0x0002", ht="1", hv="0x0002", spec="0x0700c0,0x050080"),
            row(6, 0, SERVER, rv="0x0002", ht="4", hv="0x0002", spec="0x0700c0,0x030080"),
            row(8, 0, CLIENT, rv="0x0002", ht="2", spec="0x0700c0"),
        )
        self.assertEqual(truth.values["version"], "SSL 2.0")
        self.assertEqual(truth.values["cipher"], 0x0700C0)

    def test_ssl2_compatible_hello_upgrading_to_tls(self) -> None:
        (truth,) = truths_of(
            row(4, 0, CLIENT, rv="0x0002", ht="1", hv="0x0301", spec="0x010080,0x000039"),
            row(6, 0, SERVER, ct="22,22,22,22", rv="0x0301,0x0301,0x0301,0x0301", ht="2,11,12,14", hv="0x0301",
                cs="0x0039"),
            row(8, 0, CLIENT, ct="22", ht="4"),  # a client row with type 4 is not a server hello
        )
        self.assertEqual(truth.values["version"], "TLS 1.0")
        self.assertEqual(truth.values["cipher"], 0x0039)


class Alerts(unittest.TestCase):
    def test_encrypted_alerts_counted_per_record(self) -> None:
        (truth,) = truths_of(
            row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f"),
            row(2, 0, SERVER, ct="22", ht="2", hv="0x0303", cs="0x002f"),
            row(30, 0, SERVER, ct="23,23,23,21"),
            row(33, 0, CLIENT, ct="21,21"),
        )
        self.assertEqual(truth.values["alerts"], [])
        self.assertEqual(truth.values["encrypted_alerts"], 3)

    def test_plaintext_and_encrypted_alerts_in_one_row(self) -> None:
        (truth,) = truths_of(
            row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f"),
            row(2, 0, SERVER, ct="21,21,21", level="1,2", desc="112,40"),
            row(3, 0, CLIENT, ct="21", level="2", desc="48"),
        )
        self.assertEqual(truth.values["alerts"], [("client", 48), ("server", 40), ("server", 112)])
        self.assertEqual(truth.values["encrypted_alerts"], 1)

    def test_our_alerts(self) -> None:
        values = ca.our_values(
            flow(
                alerts=[
                    {"frame": 9, "from": "server", "level": "fatal", "code": 40, "encrypted": False},
                    {"frame": 10, "from": "client", "level": None, "code": None, "encrypted": True},
                    {"frame": 8, "from": "client", "level": "warning", "code": 0, "encrypted": False},
                ]
            )
        )
        self.assertEqual(values["alerts"], [("client", 0), ("server", 40)])
        self.assertEqual(values["encrypted_alerts"], 1)

    def test_alert_window_record_drops_alerts_after_last_frame(self) -> None:
        truths = truths_of(
            row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f"),
            row(2, 0, SERVER, ct="22", ht="2", hv="0x0303", cs="0x002f"),
            row(30, 0, SERVER, ct="21"),
        )
        ours = flow(version="TLS 1.2", cipher="0x002f", first_frame=1, last_frame=5)
        self.assertEqual(ca.compare("f.pcap", truths, [ours]).agreed, 5)
        self.assertEqual(ca.compare("f.pcap", truths, [ours], alert_window="record").agreed, 6)


class Matching(unittest.TestCase):
    ROWS = (
        row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", sv="0x0304,0x0303", cs="0x1301", sni="a.example", alpn="h2"),
        row(2, 0, SERVER, ct="22", ht="2", hv="0x0303", sv="0x0304", cs="0x1301"),
        row(5, 0, SERVER, ct="23,21"),
    )

    def agreeing_flow(self, **overrides: object) -> dict[str, object]:
        fields: dict[str, object] = {
            "version": "TLS 1.3",
            "cipher": "TLS_AES_128_GCM_SHA256",
            "client_hello": {"frame": 1, "server_name": "a.example", "alpn": ["h2"]},
            "server_hello": {"frame": 2, "cipher_suite": "TLS_AES_128_GCM_SHA256", "cipher_suite_code": 0x1301},
            "alerts": [{"frame": 5, "from": "server", "code": None, "encrypted": True}],
        }
        fields.update(overrides)
        return flow(**fields)

    def test_full_agreement_with_endpoints_reversed(self) -> None:
        ours = self.agreeing_flow(client=("10.0.0.2", 443), server=("10.0.0.1", 50000))
        result = ca.compare("f.pcap", truths_of(*self.ROWS), [ours])
        self.assertEqual((result.agreed, result.compared), (6, 6), [d.line() for d in result.disagreements])

    def test_missing_flow_counts_every_field(self) -> None:
        other = self.agreeing_flow(client=("10.9.9.9", 1), server=("10.0.0.2", 443))
        result = ca.compare("f.pcap", truths_of(*self.ROWS), [other])
        self.assertEqual((result.agreed, result.compared), (0, 6))
        self.assertEqual([d.field for d in result.disagreements], list(ca.FIELDS))
        self.assertTrue(all(d.ours == ca.MISSING_FLOW for d in result.disagreements))
        self.assertEqual(result.extra_flows, 1)
        self.assertIn("f.pcap stream 0 sni: ours=<no flow> tshark=\"a.example\"", result.disagreements[0].line())

    def test_disagreement_lines(self) -> None:
        ours = self.agreeing_flow(version="TLS 1.2", client_hello={"frame": 1, "server_name": None, "alpn": None})
        result = ca.compare("f.pcap", truths_of(*self.ROWS), [ours])
        lines = [d.line() for d in result.disagreements]
        self.assertEqual(
            lines,
            [
                'f.pcap stream 0 sni: ours=null tshark="a.example"',
                'f.pcap stream 0 alpn: ours=null tshark="h2"',
                'f.pcap stream 0 version: ours="TLS 1.2" tshark="TLS 1.3"',
            ],
        )

    def test_cipher_falls_back_to_hex_text(self) -> None:
        ours = self.agreeing_flow(server_hello={"frame": 2, "cipher_suite": "0x1301"}, cipher="0x1301")
        self.assertEqual(ca.compare("f.pcap", truths_of(*self.ROWS), [ours]).agreed, 6)
        named = self.agreeing_flow(server_hello={"frame": 2, "cipher_suite": "TLS_AES_128_GCM_SHA256"})
        result = ca.compare("f.pcap", truths_of(*self.ROWS), [named])
        self.assertEqual(
            [d.line() for d in result.disagreements],
            ['f.pcap stream 0 cipher: ours="TLS_AES_128_GCM_SHA256" tshark=0x1301'],
        )

    def test_ipv6_addresses_are_normalized(self) -> None:
        client = {"ipv6.src": "2001:db8::1", "tcp.srcport": "50000", "ipv6.dst": "2001:db8::2", "tcp.dstport": "443"}
        server = {"ipv6.src": "2001:db8::2", "tcp.srcport": "443", "ipv6.dst": "2001:db8::1", "tcp.dstport": "50000"}
        truths = truths_of(
            row(1, 0, client, ct="22", ht="1", hv="0x0303", cs="0x002f"),
            row(2, 0, server, ct="22", ht="2", hv="0x0303", cs="0x002f"),
        )
        ours = flow(
            client=("2001:0db8:0000:0000:0000:0000:0000:0001", 50000),
            server=("2001:DB8::2", 443),
            version="TLS 1.2",
            cipher="0x002f",
        )
        self.assertEqual(ca.compare("f.pcap", truths, [ours]).agreed, 6)

    def test_reused_endpoints_match_by_client_hello_frame(self) -> None:
        truths = truths_of(
            row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f", sni="first.example"),
            row(50, 1, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f", sni="second.example"),
        )
        first = flow(client_hello={"frame": 1, "server_name": "first.example", "alpn": []})
        second = flow(client_hello={"frame": 50, "server_name": "second.example", "alpn": []})
        result = ca.compare("f.pcap", truths, [second, first])
        self.assertEqual((result.agreed, result.compared), (12, 12))


class Known(unittest.TestCase):
    def test_known_disagreements_stay_counted(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "known.tsv"
            path.write_text(
                "# reviewed\n"
                "f.pcap\t0\tsni\ttshark mangles the name\n"
                "g.pcap\t*\t*\twhole file unseen by tshark\n",
                encoding="utf-8",
            )
            known = ca.load_known(path)
        truths = truths_of(row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f", sni="a.example"))
        result = ca.compare("f.pcap", truths, [flow()])
        ca.apply_known([result], known)
        self.assertEqual((result.agreed, result.compared), (5, 6))
        self.assertEqual(result.disagreements[0].reason, "tshark mangles the name")
        out = io.StringIO()
        ca.report_text([result], known, 0.99, out)
        text = out.getvalue()
        self.assertIn("known disagreements (reviewed, still counted):", text)
        self.assertIn("# tshark mangles the name", text)
        self.assertIn("g.pcap\t*\t*\twhole file unseen by tshark", text)  # stale entry
        self.assertIn("agreement: 5/6 = 83.33%", text)

    def test_bad_field_is_rejected(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "known.tsv"
            path.write_text("f.pcap\t0\tcolour\twhy\n", encoding="utf-8")
            with self.assertRaises(SystemExit):
                ca.load_known(path)


class EndToEnd(unittest.TestCase):
    """main() over a two-file corpus and a fake analyzer that prints canned NDJSON."""

    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        root = Path(self.tmp.name)
        corpus = root / "shared" / "corpus" / "src"
        corpus.mkdir(parents=True)
        (corpus / "good.pcap").write_bytes(b"")
        (corpus / "good.pcap.tshark.tsv").write_text(
            tsv(
                row(1, 0, CLIENT, ct="22", ht="1", hv="0x0303", cs="0x002f", sni="a.example"),
                row(2, 0, SERVER, ct="22,22", ht="2,11", hv="0x0303", cs="0x002f"),
            ),
            encoding="utf-8",
        )
        (corpus / "dtls.pcapng").write_bytes(b"")
        (corpus / "dtls.pcapng.tshark.tsv").write_text(tsv(row(1, None, CLIENT, udp="0")), encoding="utf-8")
        (corpus / "no-oracle.pcap").write_bytes(b"")
        records = [
            flow(
                version="TLS 1.2",
                cipher="TLS_RSA_WITH_AES_128_CBC_SHA",
                client_hello={"frame": 1, "server_name": "a.example", "alpn": []},
                server_hello={"frame": 2, "cipher_suite": "TLS_RSA_WITH_AES_128_CBC_SHA", "cipher_suite_code": 0x2F},
            ),
            {"type": "summary", "flows": 1},
        ]
        self.fake = root / "fake-tlsautopsy"
        self.fake.write_text(
            "#!/usr/bin/env python3\nimport sys\n"
            f"lines = {[json.dumps(r) for r in records]!r}\n"
            "if sys.argv[1:4] != ['analyze', '--format', 'json']: sys.exit(64)\n"
            "if sys.argv[4].endswith('good.pcap'): print('\\n'.join(lines))\n"
            "else: print(lines[-1])\n",
            encoding="utf-8",
        )
        self.fake.chmod(self.fake.stat().st_mode | stat.S_IXUSR)
        self.shared = root / "shared"
        self.known = root / "none.tsv"

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def run_main(self, *extra: str) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        args = ["--bin", str(self.fake), "--shared", str(self.shared), "--known", str(self.known), *extra]
        with redirect_stdout(out), redirect_stderr(err):
            status = ca.main(args)
        return status, out.getvalue()

    def test_text_report(self) -> None:
        status, text = self.run_main()
        self.assertEqual(status, 0)
        self.assertIn("src/dtls.pcapng: 0/0\n", text)
        self.assertIn("src/good.pcap: 6/6\n", text)
        self.assertNotIn("no-oracle", text)
        self.assertIn("agreement: 6/6 = 100.00%", text)

    def test_json_report(self) -> None:
        status, text = self.run_main("--json")
        self.assertEqual(status, 0)
        document = json.loads(text)
        self.assertEqual((document["agreed"], document["compared"], document["ratio"]), (6, 6, 1.0))
        self.assertEqual([f["file"] for f in document["files"]], ["src/dtls.pcapng", "src/good.pcap"])

    def test_below_minimum_fails(self) -> None:
        self.fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")  # prints no flows at all
        status, text = self.run_main()
        self.assertEqual(status, 1)
        self.assertIn("agreement: 0/6 = 0.00%", text)
        # Unreviewed disagreements fail whatever the minimum.
        status, _ = self.run_main("--min", "0")
        self.assertEqual(status, 1)
        # Reviewed ones (with a reason) count as the oracle's errors.
        known = self.fake.parent / "known.tsv"
        known.write_text("src/good.pcap\t*\t*\tthe oracle is wrong here\n", encoding="utf-8")
        status, text = self.run_main("--known", str(known))
        self.assertEqual(status, 0)
        self.assertIn("agreement counting reviewed oracle errors as agreed: 6/6 = 100.00%", text)

    def test_crash_fails(self) -> None:
        self.fake.write_text("#!/bin/sh\nkill -SEGV $$\n", encoding="utf-8")
        status, text = self.run_main("--min", "0")
        self.assertEqual(status, 1)
        self.assertIn("killed by signal", text)

    def test_missing_binary_is_a_usage_error(self) -> None:
        self.fake.unlink()
        status, _ = self.run_main()
        self.assertEqual(status, 2)


if __name__ == "__main__":
    unittest.main()
