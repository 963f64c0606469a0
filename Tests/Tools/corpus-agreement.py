#!/usr/bin/env python3
"""Corpus agreement: how often tlsautopsy says what tshark says.

For every capture under SHARED/corpus (*.pcap, *.pcapng, *.cap) that has a
`.tshark.tsv` oracle (see SHARED/corpus/MANIFEST.md), run

    BIN analyze --format json CAPTURE

and compare our NDJSON flow records (spec/flow-record.md) with tshark's view, per
TCP stream that carries a TLS ClientHello. Six fields are compared per stream:

    sni               SNI of the first ClientHello
    alpn              ALPN list offered in the first ClientHello (comma-joined)
    version           negotiated version (from the first ServerHello; null if none)
    cipher            negotiated cipher suite code (null if no ServerHello)
    alerts            sorted multiset of (sender, code) of plaintext alerts
    encrypted_alerts  number of encrypted alert records

A stream that has no matching flow in our output counts all six as disagreements.
Reviewed disagreements listed in the --known file stay in the count (the figure is
honest) but are printed in their own section with their reason.

Python 3 standard library only. Exit status: 0 when the agreement is at least
--min, 1 when it is below or the analyzer crashed on a capture, 2 on usage errors
(no binary, no corpus).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap")
FIELDS = ("sni", "alpn", "version", "cipher", "alerts", "encrypted_alerts")
MISSING_FLOW = "<no flow>"

# Handshake message types as tshark reports them in `tls.handshake.type`.
CLIENT_HELLO = "1"
SERVER_HELLO = "2"
SSL2_SERVER_HELLO = "4"  # SSLv2 SERVER-HELLO (in TLS, 4 is NewSessionTicket)
SSL2_CLIENT_MASTER_KEY = "2"  # SSLv2 CLIENT-MASTER-KEY (in TLS, 2 is ServerHello)
SSL2_RECORD_VERSION = "0x0002"
ALERT_CONTENT_TYPE = "21"

Endpoint = tuple[str, int]


# ---------------------------------------------------------------------------
# Value helpers


def split_values(value: str) -> list[str]:
    """Split a tshark aggregated field (`-E aggregator=,`) into its values."""
    return [] if value == "" else value.split(",")


def parse_int(text: str) -> int | None:
    """Parse `0x1301`, `4865` or '' (None)."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        return None


def version_name(code: int | None) -> str | None:
    """Name a protocol version the way flow-record.md does."""
    if code is None:
        return None
    names = {
        0x0002: "SSL 2.0",
        0x0300: "SSL 3.0",
        0x0301: "TLS 1.0",
        0x0302: "TLS 1.1",
        0x0303: "TLS 1.2",
        0x0304: "TLS 1.3",
    }
    if code in names:
        return names[code]
    if code >> 8 == 0x7F:
        return f"TLS 1.3 draft {code & 0xFF}"
    return f"0x{code:04x}"


def normalize_ip(text: str) -> str:
    """Canonical text of an IP address, so that tshark's and ours compare equal."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return text.strip().lower()


def flow_key(a: Endpoint, b: Endpoint) -> tuple[Endpoint, Endpoint]:
    """The unordered pair of endpoints of a TCP connection."""
    return (a, b) if a <= b else (b, a)


def show(value: Any) -> str:
    """Render a compared value unambiguously for the report."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value if value == MISSING_FLOW else json.dumps(value, ensure_ascii=False)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(f"{sender}:{code}" for sender, code in value) + "]"
    return str(value)


def show_cipher(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"0x{value:04x}"
    return show(value)


# ---------------------------------------------------------------------------
# The tshark oracle


@dataclass
class Row:
    """One packet of the tshark TSV (only the columns we use)."""

    frame: int
    tcp_stream: int | None
    src: Endpoint
    dst: Endpoint
    content_types: list[str]
    record_versions: list[str]
    handshake_types: list[str]
    handshake_versions: list[str]
    supported_versions: list[str]
    cipher_suites: list[str]
    cipher_specs: list[str]
    server_names: list[str]
    alpn: str
    alert_descriptions: list[str]


@dataclass
class StreamTruth:
    """What tshark says about one TCP stream that carries a ClientHello."""

    stream: int
    client: Endpoint
    server: Endpoint
    client_hello_frame: int
    values: dict[str, Any]
    rows: list[Row] = field(default_factory=list)


def parse_tsv(text: str) -> list[Row]:
    """Parse a tshark TSV (header line first) into rows of TCP streams."""
    lines = text.splitlines()
    if not lines:
        return []
    header = lines[0].split("\t")
    rows: list[Row] = []
    for line in lines[1:]:
        if not line.strip():
            continue
        cells = line.split("\t")
        col = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        stream = parse_int(col.get("tcp.stream", ""))
        if stream is None:
            continue  # UDP: DTLS or QUIC, not ours to compare
        rows.append(
            Row(
                frame=parse_int(col.get("frame.number", "")) or 0,
                tcp_stream=stream,
                src=endpoint_from(col, "src"),
                dst=endpoint_from(col, "dst"),
                content_types=split_values(col.get("tls.record.content_type", "")),
                record_versions=split_values(col.get("tls.record.version", "")),
                handshake_types=split_values(col.get("tls.handshake.type", "")),
                handshake_versions=split_values(col.get("tls.handshake.version", "")),
                supported_versions=split_values(col.get("tls.handshake.extensions.supported_version", "")),
                cipher_suites=split_values(col.get("tls.handshake.ciphersuite", "")),
                cipher_specs=split_values(col.get("tls.handshake.cipherspec", "")),
                server_names=split_values(col.get("tls.handshake.extensions_server_name", "")),
                alpn=col.get("tls.handshake.extensions_alpn_str", ""),
                alert_descriptions=split_values(col.get("tls.alert_message.desc", "")),
            )
        )
    return rows


def endpoint_from(col: dict[str, str], side: str) -> Endpoint:
    """(ip, port) of a row's source or destination; tunnels list the inner address last."""
    ips = split_values(col.get(f"ip.{side}", "") or col.get(f"ipv6.{side}", ""))
    ports = split_values(col.get(f"tcp.{side}port", ""))
    return (normalize_ip(ips[-1] if ips else ""), parse_int(ports[-1] if ports else "") or 0)


def is_ssl2_row(row: Row) -> bool:
    """A packet of SSLv2-format records (tshark gives no content type for those)."""
    return not row.content_types and SSL2_RECORD_VERSION in row.record_versions


def nth(values: list[str], index: int) -> str:
    return values[index] if 0 <= index < len(values) else ""


def server_hello_values(rows: list[Row], client: Endpoint) -> tuple[str | None, int | None]:
    """Version name and cipher code of the first ServerHello the server sent."""
    for position, row in enumerate(rows):
        if row.src == client:
            continue
        types = row.handshake_types
        if is_ssl2_row(row):
            if SSL2_SERVER_HELLO not in types:
                continue
            # SSLv2: the client picks the cipher in its CLIENT-MASTER-KEY.
            cipher = None
            for later in rows[position + 1 :]:
                if later.src == client and is_ssl2_row(later) and SSL2_CLIENT_MASTER_KEY in later.handshake_types:
                    cipher = parse_int(nth(later.cipher_specs, 0))
                    break
            k = types.index(SSL2_SERVER_HELLO)
            return version_name(parse_int(nth(row.handshake_versions, types[:k].count(CLIENT_HELLO)))), cipher
        if SERVER_HELLO not in types:
            continue
        # Values are aggregated in record order, one per message that carries the field
        # (`2,11,12,14` has one handshake version and one cipher suite: the ServerHello's),
        # so the first ServerHello of the row owns the first values; only a ClientHello
        # could come before it, and a server's packet carries none.
        k = types.index(SERVER_HELLO)
        supported = parse_int(nth(row.supported_versions, 0))
        legacy = parse_int(nth(row.handshake_versions, types[:k].count(CLIENT_HELLO)))
        version = supported if supported is not None else legacy
        return version_name(version), parse_int(nth(row.cipher_suites, 0))
    return None, None


def alert_values(rows: list[Row], client: Endpoint) -> tuple[list[tuple[str, int]], int]:
    """Plaintext alerts as sorted (sender, code) and the number of encrypted alerts."""
    plaintext: list[tuple[str, int]] = []
    encrypted = 0
    for row in rows:
        sender = "client" if row.src == client else "server"
        codes = [parse_int(d) for d in row.alert_descriptions]
        plaintext.extend((sender, code) for code in codes if code is not None)
        encrypted += max(0, row.content_types.count(ALERT_CONTENT_TYPE) - len(codes))
    return sorted(plaintext), encrypted


def tshark_truth(rows: list[Row]) -> list[StreamTruth]:
    """Per TCP stream with a ClientHello: the six compared values, in stream order."""
    by_stream: dict[int, list[Row]] = {}
    for row in rows:
        if row.tcp_stream is not None:
            by_stream.setdefault(row.tcp_stream, []).append(row)
    truths: list[StreamTruth] = []
    for stream in sorted(by_stream):
        stream_rows = sorted(by_stream[stream], key=lambda r: r.frame)
        hello = next((r for r in stream_rows if CLIENT_HELLO in r.handshake_types), None)
        if hello is None:
            continue
        client = hello.src
        server = hello.dst
        # The ClientHello is the first of its row in practice; take the first values.
        sni = nth(hello.server_names, 0) or None
        alpn = hello.alpn or None
        version, cipher = server_hello_values(stream_rows, client)
        alerts, encrypted = alert_values(stream_rows, client)
        truths.append(
            StreamTruth(
                stream=stream,
                client=client,
                server=server,
                client_hello_frame=hello.frame,
                values={
                    "sni": sni,
                    "alpn": alpn,
                    "version": version,
                    "cipher": cipher,
                    "alerts": alerts,
                    "encrypted_alerts": encrypted,
                },
                rows=stream_rows,
            )
        )
    return truths


# ---------------------------------------------------------------------------
# Our output


def parse_ndjson(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Flow records of our NDJSON output, and complaints about lines that are not JSON."""
    flows: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not JSON ({error.msg})")
            continue
        if isinstance(record, dict) and record.get("type") == "flow":
            flows.append(record)
    return flows, problems


def endpoint_of(value: Any) -> Endpoint:
    if not isinstance(value, dict):
        return ("", 0)
    port = value.get("port")
    return (normalize_ip(str(value.get("ip") or "")), port if isinstance(port, int) else 0)


def cipher_code(flow: dict[str, Any]) -> int | str | None:
    """Our negotiated cipher as an integer when it can be known, else its text."""
    server_hello = flow.get("server_hello")
    if isinstance(server_hello, dict):
        code = server_hello.get("cipher_suite_code")
        if isinstance(code, int) and not isinstance(code, bool):
            return code
        text = server_hello.get("cipher_suite")
    else:
        text = None
    if text is None:
        text = flow.get("cipher")
    if text is None:
        return None
    if isinstance(text, str) and text.lower().startswith("0x"):
        parsed = parse_int(text)
        if parsed is not None:
            return parsed
    return str(text)  # an IANA name without `cipher_suite_code`: cannot be compared


def our_values(flow: dict[str, Any]) -> dict[str, Any]:
    """The six compared values of one of our flow records."""
    hello = flow.get("client_hello")
    hello = hello if isinstance(hello, dict) else {}
    alpn = hello.get("alpn") or []
    plaintext: list[tuple[str, int]] = []
    encrypted = 0
    for alert in flow.get("alerts") or []:
        if not isinstance(alert, dict):
            continue
        if alert.get("encrypted"):
            encrypted += 1
        elif isinstance(alert.get("code"), int):
            plaintext.append((str(alert.get("from")), alert["code"]))
    return {
        "sni": hello.get("server_name"),
        "alpn": ",".join(str(p) for p in alpn) or None,
        "version": flow.get("version"),
        "cipher": cipher_code(flow),
        "alerts": sorted(plaintext),
        "encrypted_alerts": encrypted,
    }


def match_flows(truths: list[StreamTruth], flows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Map tshark stream -> our flow by the unordered endpoint pair.

    When one endpoint pair carried several connections, prefer the flow whose
    ClientHello frame is tshark's, then the one whose frame range holds it, then the
    first unused one in order of our ids.
    """
    by_key: dict[tuple[Endpoint, Endpoint], list[dict[str, Any]]] = {}
    for flow in flows:
        key = flow_key(endpoint_of(flow.get("client")), endpoint_of(flow.get("server")))
        by_key.setdefault(key, []).append(flow)
    used: set[int] = set()
    matched: dict[int, dict[str, Any]] = {}
    for truth in truths:
        candidates = [f for f in by_key.get(flow_key(truth.client, truth.server), []) if id(f) not in used]
        if not candidates:
            continue
        frame = truth.client_hello_frame

        def hello_frame(f: dict[str, Any]) -> Any:
            hello = f.get("client_hello")
            return hello.get("frame") if isinstance(hello, dict) else None

        def holds(f: dict[str, Any]) -> bool:
            first, last = f.get("first_frame"), f.get("last_frame")
            return isinstance(first, int) and isinstance(last, int) and first <= frame <= last

        choice = next((f for f in candidates if hello_frame(f) == frame), None)
        choice = choice or next((f for f in candidates if holds(f)), None) or candidates[0]
        used.add(id(choice))
        matched[truth.stream] = choice
    return matched


# ---------------------------------------------------------------------------
# Comparison


@dataclass
class Disagreement:
    file: str
    stream: int
    field: str
    ours: Any
    tshark: Any
    reason: str | None = None

    def line(self) -> str:
        render = show_cipher if self.field == "cipher" else show
        text = f"{self.file} stream {self.stream} {self.field}: ours={render(self.ours)} tshark={render(self.tshark)}"
        return text + (f"  # {self.reason}" if self.reason else "")

    def as_json(self) -> dict[str, Any]:
        render = show_cipher if self.field == "cipher" else show
        out: dict[str, Any] = {
            "file": self.file,
            "stream": self.stream,
            "field": self.field,
            "ours": render(self.ours),
            "tshark": render(self.tshark),
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass
class FileResult:
    file: str
    agreed: int = 0
    compared: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    extra_flows: int = 0
    problems: list[str] = field(default_factory=list)
    crashed: bool = False


def compare(
    file: str, truths: list[StreamTruth], flows: list[dict[str, Any]], alert_window: str = "all"
) -> FileResult:
    """Compare one capture's tshark truth with our flow records.

    alert_window "all" compares every alert tshark saw in the stream; "record" only
    those up to our flow's `last_frame` (for records frozen once the handshake is
    decided, which do not see a later close_notify).
    """
    result = FileResult(file=file)
    matched = match_flows(truths, flows)
    for truth in truths:
        flow = matched.get(truth.stream)
        ours = our_values(flow) if flow is not None else None
        expected = dict(truth.values)
        last_frame = flow.get("last_frame") if flow is not None else None
        if alert_window == "record" and isinstance(last_frame, int):
            window = [r for r in truth.rows if r.frame <= last_frame]
            expected["alerts"], expected["encrypted_alerts"] = alert_values(window, truth.client)
        for name in FIELDS:
            result.compared += 1
            theirs = expected[name]
            if ours is not None and ours[name] == theirs:
                result.agreed += 1
            else:
                value = ours[name] if ours is not None else MISSING_FLOW
                result.disagreements.append(Disagreement(file, truth.stream, name, value, theirs))
    matched_ids = {id(f) for f in matched.values()}
    result.extra_flows = sum(1 for f in flows if id(f) not in matched_ids)
    return result


# ---------------------------------------------------------------------------
# Reviewed disagreements


@dataclass
class Known:
    file: str
    stream: str  # a number or "*"
    field: str  # a field name or "*"
    reason: str
    used: bool = False

    def matches(self, d: Disagreement) -> bool:
        return (
            self.file == d.file
            and self.stream in ("*", str(d.stream))
            and self.field in ("*", d.field)
        )


def load_known(path: Path) -> list[Known]:
    """Lines `corpus-relative-path<TAB>tcp.stream<TAB>field<TAB>reason`; '#' starts a comment."""
    if not path.is_file():
        return []
    known: list[Known] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 4:
            raise SystemExit(f"{path}:{number}: expected 4 tab-separated columns, got {len(parts)}")
        file, stream, name, reason = parts[0].strip(), parts[1].strip(), parts[2].strip(), "\t".join(parts[3:]).strip()
        if name != "*" and name not in FIELDS:
            raise SystemExit(f"{path}:{number}: unknown field {name!r} (one of {', '.join(FIELDS)} or *)")
        known.append(Known(file, stream, name, reason))
    return known


def apply_known(results: Iterable[FileResult], known: list[Known]) -> None:
    for result in results:
        for d in result.disagreements:
            entry = next((k for k in known if k.matches(d)), None)
            if entry is not None:
                entry.used = True
                d.reason = entry.reason


# ---------------------------------------------------------------------------
# Driver


def find_captures(corpus: Path, only: list[str]) -> list[Path]:
    captures = sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file()
        and p.suffix in CAPTURE_SUFFIXES
        and ".expected" not in p.relative_to(corpus).as_posix()
        and p.with_name(p.name + ".tshark.tsv").is_file()
    )
    if only:
        captures = [p for p in captures if any(p.relative_to(corpus).as_posix() == o or p.name == o for o in only)]
    return captures


def run_analyzer(binary: Path, capture: Path, timeout: float) -> tuple[str, list[str], bool]:
    """Our NDJSON for one capture; problems seen; whether it crashed or hung."""
    try:
        process = subprocess.run(
            [str(binary), "analyze", "--format", "json", str(capture)],
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "SWIFT_BACKTRACE": "enable=no", "NO_COLOR": "1"},
        )
    except subprocess.TimeoutExpired:
        return "", [f"timed out after {timeout:g} s"], True
    problems: list[str] = []
    crashed = process.returncode < 0
    if crashed:
        problems.append(f"killed by signal {-process.returncode}")
    elif process.returncode != 0:
        problems.append(f"exit status {process.returncode}")
    stderr = process.stderr.decode("utf-8", "replace").strip()
    if stderr and process.returncode != 0:
        problems.append("stderr: " + stderr.splitlines()[-1][:200])
    return process.stdout.decode("utf-8", "replace"), problems, crashed


def percent(agreed: int, compared: int) -> float:
    return 100.0 * agreed / compared if compared else 100.0


def report_text(results: list[FileResult], known: list[Known], minimum: float, out: Any) -> None:
    for r in results:
        print(f"{r.file}: {r.agreed}/{r.compared}", file=out)
    problems = [(r.file, p) for r in results for p in r.problems]
    if problems:
        print("\nproblems:", file=out)
        for file, problem in problems:
            print(f"{file}: {problem}", file=out)
    unknown = [d for r in results for d in r.disagreements if d.reason is None]
    reviewed = [d for r in results for d in r.disagreements if d.reason is not None]
    if unknown:
        print("\ndisagreements:", file=out)
        for d in unknown:
            print(d.line(), file=out)
    if reviewed:
        print("\nknown disagreements (reviewed, still counted):", file=out)
        for d in reviewed:
            print(d.line(), file=out)
    stale = [k for k in known if not k.used]
    if stale:
        print("\nknown-disagreement entries that matched nothing (remove them?):", file=out)
        for k in stale:
            print(f"{k.file}\t{k.stream}\t{k.field}\t{k.reason}", file=out)
    agreed = sum(r.agreed for r in results)
    compared = sum(r.compared for r in results)
    print(f"\nagreement: {agreed}/{compared} = {percent(agreed, compared):.2f}% (minimum {minimum * 100:.2f}%)", file=out)
    verified = agreed + len(reviewed)
    print(
        f"agreement counting reviewed oracle errors as agreed: {verified}/{compared} = {percent(verified, compared):.2f}%;"
        f" unreviewed disagreements: {len(unknown)}",
        file=out,
    )


def report_json(results: list[FileResult], known: list[Known], minimum: float, out: Any) -> None:
    agreed = sum(r.agreed for r in results)
    compared = sum(r.compared for r in results)
    document = {
        "agreed": agreed,
        "compared": compared,
        "ratio": agreed / compared if compared else 1.0,
        "min": minimum,
        "files": [
            {
                "file": r.file,
                "agreed": r.agreed,
                "compared": r.compared,
                "extra_flows": r.extra_flows,
                "problems": r.problems,
                "crashed": r.crashed,
                "disagreements": [d.as_json() for d in r.disagreements],
            }
            for r in results
        ],
        "stale_known": [{"file": k.file, "stream": k.stream, "field": k.field, "reason": k.reason} for k in known if not k.used],
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("captures", nargs="*", help="only these captures (corpus-relative path or file name)")
    parser.add_argument("--bin", default=str(REPO_ROOT / ".build/release/tlsautopsy"), help="the analyzer binary")
    parser.add_argument("--shared", default=str(REPO_ROOT.parent / "shared"), help="the shared dir holding corpus/")
    parser.add_argument("--min", type=float, default=0.99, help="minimum agreement ratio (default 0.99)")
    parser.add_argument(
        "--known",
        default=str(REPO_ROOT / "Tests/Tools/known-disagreements.tsv"),
        help="reviewed disagreements: path<TAB>stream<TAB>field<TAB>reason",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON instead of text")
    parser.add_argument(
        "--alert-window",
        choices=("all", "record"),
        default="all",
        help="compare all of tshark's alerts in a stream (default), or only those up to our flow's last_frame",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per capture (default 300)")
    args = parser.parse_args(argv)

    corpus = Path(args.shared) / "corpus"
    binary = Path(args.bin)
    if not corpus.is_dir():
        print(f"corpus-agreement: no corpus at {corpus}", file=sys.stderr)
        return 2
    if not binary.is_file():
        print(f"corpus-agreement: no analyzer at {binary} (run `swift build -c release`)", file=sys.stderr)
        return 2
    known = load_known(Path(args.known))

    results: list[FileResult] = []
    for capture in find_captures(corpus, args.captures):
        name = capture.relative_to(corpus).as_posix()
        tsv = capture.with_name(capture.name + ".tshark.tsv").read_bytes().decode("utf-8", "replace")
        truths = tshark_truth(parse_tsv(tsv))
        output, problems, crashed = run_analyzer(binary, capture, args.timeout)
        flows, parse_problems = parse_ndjson(output)
        result = compare(name, truths, flows, args.alert_window)
        result.problems = problems + parse_problems
        result.crashed = crashed
        results.append(result)
    apply_known(results, known)

    if args.json:
        report_json(results, known, args.min, sys.stdout)
    else:
        report_text(results, known, args.min, sys.stdout)

    agreed = sum(r.agreed for r in results)
    compared = sum(r.compared for r in results)
    unreviewed = sum(1 for r in results for d in r.disagreements if d.reason is None)
    reviewed = sum(1 for r in results for d in r.disagreements if d.reason is not None)
    # The gate: every disagreement is reviewed (a limit of the oracle, with its reason), and
    # agreement with the truth (tshark, corrected where reviewed) is at least --min.
    ratio = (agreed + reviewed) / compared if compared else 1.0
    if any(r.crashed for r in results):
        print("corpus-agreement: the analyzer crashed or hung on a capture", file=sys.stderr)
        return 1
    if unreviewed:
        print(f"corpus-agreement: {unreviewed} disagreements are not in {args.known}", file=sys.stderr)
        return 1
    if ratio < args.min:
        print(f"corpus-agreement: {ratio:.4f} is below the minimum {args.min:.4f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
