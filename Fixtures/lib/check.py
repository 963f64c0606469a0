#!/usr/bin/env python3
"""Checks the fixture captures with tshark and writes Fixtures/manifest.json.

Usage: check.py PLAN CAPDIR MANIFEST [--analyzer BIN] [--stacks JSON] [--seconds N]

PLAN is the JSON-lines file make-fixtures.sh writes while it records: one
{"type": "capture", ...} line per capture file, followed by one
{"type": "flow", ...} line per TCP connection its clients opened, in the order
they opened them. For every capture this script

  * reads the file with tshark and splits it into TCP flows (tcp.stream, which
    numbers flows in the order of their first packet, as tlsautopsy does);
  * checks that there are as many flows as the plan says;
  * classifies each flow from the wire with a small independent classifier
    (below) and checks that it agrees with the planned outcome;
  * checks each flow's "checks" (e.g. "v=1.3 alert=c45 hrr sni=www.example.test",
    see CHECKS) against what tshark decoded;
  * writes the manifest entry: what the wire shows (ports, version, alerts) and
    what a correct analyzer must say (outcome, diagnoses).

With --analyzer it also runs `BIN analyze --format json` on every capture and
prints where its outcomes differ from the manifest's (information only: the
analyzer is what these fixtures test, not the other way round).
Exits 1 when a capture does not show what the plan says.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
from collections import OrderedDict

HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
VERSIONS = {"0x0300": "SSL 3.0", "0x0301": "TLS 1.0", "0x0302": "TLS 1.1",
            "0x0303": "TLS 1.2", "0x0304": "TLS 1.3"}
SHORT = {"1.0": "TLS 1.0", "1.1": "TLS 1.1", "1.2": "TLS 1.2", "1.3": "TLS 1.3"}
ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
          40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate",
          44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
          47: "illegal_parameter", 48: "unknown_ca", 50: "decode_error", 51: "decrypt_error",
          70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
          86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension",
          112: "unrecognized_name", 116: "certificate_required", 120: "no_application_protocol"}
DIAGNOSES = {
    "protocol_version_mismatch", "cipher_suite_mismatch", "key_exchange_group_mismatch",
    "certificate_expired", "certificate_not_yet_valid", "certificate_name_mismatch",
    "certificate_chain_incomplete", "certificate_untrusted", "certificate_rejected",
    "client_clock_skew", "sni_missing", "alpn_mismatch", "client_certificate_required",
    "tls_interception", "connection_reset", "no_server_response", "not_tls",
    "inappropriate_fallback", "server_overload", "handshake_failure"}
OUTCOMES = {"established", "resumed", "failed", "reset", "no_response", "not_tls",
            "incomplete", "partial"}

FIELDS = [
    "frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "tcp.stream",
    "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport",
    "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset", "tcp.flags.fin", "tcp.len", "tcp.seq",
    "tcp.analysis.retransmission", "tcp.analysis.out_of_order", "tcp.analysis.lost_segment",
    "vlan.id", "tls.record.content_type", "tls.record.opaque_type", "tls.record.length", "tls.handshake.type",
    "tls.alert_message", "tls.alert_message.level", "tls.alert_message.desc",
    "tls.handshake.extensions_server_name", "tls.handshake.extensions_alpn_str",
    "tls.handshake.extensions.supported_version", "tls.handshake.version",
    "tls.handshake.extension.type", "tls.handshake.certificate_length",
    "tls.handshake.random", "tcp.payload", "tls.handshake.extensions_key_share_group",
    "tls.handshake.session_id",
]

CHECKS = """
  v=1.2|1.3|none   version the server chose (supported_versions, else ServerHello version)
  hrr              a HelloRetryRequest
  resumed          an abbreviated handshake: no server Certificate, and the server's
                   ServerHello accepts a PSK (TLS 1.3) or its CCS comes first (TLS 1.2)
  psk / ticket     the ClientHello offers a PSK / a non-empty session ticket
  alert=c45        the first plaintext alert of the flow is from the client (c) or
                   server (s) with that code
  noalert          no plaintext fatal alert
  encalert=c|s     an encrypted alert: TLS 1.2 record type 21 unreadable, or a TLS 1.3
                   record of 19 bytes (the size of an encrypted alert)
  sni=NAME / nosni the ClientHello's server_name / none
  alpn=h2          the ServerHello's ALPN (visible in TLS 1.2 only)
  certs=N          certificates in the server's Certificate message (TLS 1.2)
  ccert=N          certificates in the client's Certificate message (TLS 1.2)
  rst=c|s          a RST from the client / server
  plain=c|s        that side's first payload is not a TLS record
  nodata=s         the server sent no payload at all
  nosyn            the capture has no SYN of this flow
  cut              frames are cut by the snap length
  retrans / ooo / gap   tshark flags retransmissions / out-of-order / lost segments
  vlan=N           every frame carries 802.1Q tag N
  ipv6             IPv6
"""


def run_tshark(path, ports):
    cmd = ["tshark", "-n", "-r", path, "-o", "tcp.reassemble_out_of_order:TRUE",
           "-T", "fields", "-E", "separator=\t",
           "-E", "aggregator=|", "-E", "occurrence=a"]
    for p in sorted(ports):
        cmd += ["-d", f"tcp.port=={p},tls"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        rows.append({f: (c.split("|") if c else []) for f, c in zip(FIELDS, cols)})
    return rows


def first(row, field, default=""):
    v = row[field]
    return v[0] if v else default


def capinfo(path):
    out = subprocess.run(["capinfos", "-T", "-r", "-t", "-E", "-c", path],
                         capture_output=True, text=True, check=False).stdout.strip()
    cols = out.split("\t") if out else []
    return {"file_type": cols[1] if len(cols) > 1 else None,
            "link_type": cols[2] if len(cols) > 2 else None,
            "packets": int(cols[3]) if len(cols) > 3 and cols[3].isdigit() else None}


class Flow:
    def __init__(self, stream):
        self.stream = stream
        self.frames = []

    def build(self, server_ports):
        fr = self.frames
        self.first_frame = int(first(fr[0], "frame.number"))
        self.ts = float(first(fr[0], "frame.time_epoch"))

        def ep(r, which):
            ip = first(r, f"ip.{which}") or first(r, f"ipv6.{which}")
            port = int(first(r, f"tcp.{'srcport' if which == 'src' else 'dstport'}"))
            return ip, port
        client = None
        for r in fr:
            if first(r, "tcp.flags.syn") in ("1", "True") and first(r, "tcp.flags.ack") in ("0", "False"):
                client = ep(r, "src")
                break
        self.syn = client is not None
        if client is None:
            for r in fr:
                if "1" in r["tls.handshake.type"]:
                    client = ep(r, "src")
                    break
        if client is None:
            a = ep(fr[0], "src")
            client = ep(fr[0], "dst") if a[1] in server_ports else a
        self.client = client
        self.server = None
        for r in fr:
            s = ep(r, "src")
            if s != client:
                self.server = s
                break
            self.server = ep(r, "dst")
        self.ipv6 = bool(first(fr[0], "ipv6.src"))
        for r in fr:
            r["_from"] = "c" if ep(r, "src") == client else "s"
        self.analyse()

    def analyse(self):
        self.client_hellos = []
        self.server_hellos = []
        self.hrr = False
        self.server_certs = None
        self.client_certs = None
        self.alerts = []
        self.ccs = {"c": None, "s": None}
        self.enc_after_sh = {"c": [], "s": []}
        self.rst = {"c": False, "s": False}
        self.fin = {"c": False, "s": False}
        self.first_payload = {"c": None, "s": None}   # of the lowest sequence number
        self.first_seq = {"c": 0, "s": 0}
        self.payload_bytes = {"c": 0, "s": 0}
        self.retrans = self.ooo = self.gap = self.cut = False
        self.vlans = set()
        self.all_tagged = True
        for r in self.frames:
            side = r["_from"]
            n = int(first(r, "frame.number"))
            if r["tcp.flags.reset"] and r["tcp.flags.reset"][0] in ("1", "True"):
                self.rst[side] = True
            if r["tcp.flags.fin"] and r["tcp.flags.fin"][0] in ("1", "True"):
                self.fin[side] = True
            tcplen = int(first(r, "tcp.len", "0") or 0)
            if tcplen > 0:
                self.payload_bytes[side] += tcplen
                seq = int(first(r, "tcp.seq", "0") or 0)
                if self.first_payload[side] is None or seq < self.first_seq[side]:
                    self.first_payload[side] = first(r, "tcp.payload")[:10]
                    self.first_seq[side] = seq
            if r["tcp.analysis.retransmission"]:
                self.retrans = True
            if r["tcp.analysis.out_of_order"]:
                self.ooo = True
            if r["tcp.analysis.lost_segment"]:
                self.gap = True
            if int(first(r, "frame.cap_len")) < int(first(r, "frame.len")):
                self.cut = True
            if r["vlan.id"]:
                self.vlans.update(r["vlan.id"])
            else:
                self.all_tagged = False
            # TLS 1.3 encrypted records have an opaque_type instead of a content_type;
            # within one frame the clear ones always come first.
            ctypes = r["tls.record.content_type"] + r["tls.record.opaque_type"]
            lengths = r["tls.record.length"]
            htypes = r["tls.handshake.type"]
            if "1" in htypes and side == "c":
                self.client_hellos.append({
                    "frame": n,
                    "sni": r["tls.handshake.extensions_server_name"],
                    "alpn": r["tls.handshake.extensions_alpn_str"],
                    "versions": r["tls.handshake.extensions.supported_version"],
                    "legacy": first(r, "tls.handshake.version"),
                    "exts": r["tls.handshake.extension.type"],
                    "session_id": first(r, "tls.handshake.session_id"),
                })
            if "2" in htypes and side == "s":
                rnd = first(r, "tls.handshake.random")
                is_hrr = rnd.replace(":", "") == HRR_RANDOM
                self.hrr |= is_hrr
                sv = r["tls.handshake.extensions.supported_version"]
                exts = r["tls.handshake.extension.type"]
                self.server_hellos.append({
                    "frame": n, "hrr": is_hrr,
                    "version": VERSIONS.get(sv[0] if sv else first(r, "tls.handshake.version"), None),
                    "alpn": r["tls.handshake.extensions_alpn_str"], "exts": exts,
                })
            if "11" in htypes:
                count = len(r["tls.handshake.certificate_length"])
                if side == "s" and self.server_certs is None:
                    self.server_certs = count
                if side == "c" and self.client_certs is None:
                    self.client_certs = count
            descs = list(r["tls.alert_message.desc"])
            levels = list(r["tls.alert_message.level"])
            for i, ct in enumerate(ctypes):
                length = int(lengths[i]) if i < len(lengths) else 0
                if ct == "20" and self.ccs[side] is None:
                    self.ccs[side] = n
                if ct == "21":
                    if descs:
                        code = int(descs.pop(0))
                        level = int(levels.pop(0)) if levels else None
                        self.alerts.append({"frame": n, "from": side, "level": level,
                                            "code": code, "encrypted": False})
                    else:
                        self.alerts.append({"frame": n, "from": side, "level": None,
                                            "code": None, "encrypted": True})
                if ct == "23" and self.server_hellos:
                    self.enc_after_sh[side].append((n, length))

    # ---------------------------------------------------------------- facts
    @property
    def version(self):
        for sh in self.server_hellos:
            if not sh["hrr"]:
                return sh["version"]
        return None

    @property
    def tls13(self):
        return self.version == "TLS 1.3"

    def resumed(self):
        real = [sh for sh in self.server_hellos if not sh["hrr"]]
        if not real or self.server_certs is not None:
            return False
        if self.tls13:
            return "41" in real[0]["exts"]
        return self.ccs["s"] is not None and (self.ccs["c"] is None or self.ccs["s"] < self.ccs["c"])

    def done(self):
        """Did both sides finish the handshake, as far as the wire shows?"""
        if not self.server_hellos or self.version is None:
            return False
        if self.tls13:
            # The client's Finished: an encrypted record larger than an alert.
            return any(length > 19 for _, length in self.enc_after_sh["c"])
        return self.ccs["c"] is not None and self.ccs["s"] is not None

    def tls_like(self, side):
        p = self.first_payload[side]
        return p is None or (len(p) >= 4 and p[:2] in ("14", "15", "16", "17") and p[2:4] == "03")

    def encrypted_alert(self, side):
        if any(a["encrypted"] and a["from"] == side for a in self.alerts):
            return True
        return self.tls13 and any(length == 19 for _, length in self.enc_after_sh[side])

    def classify(self):
        """An independent, simple reading of the flow's outcome from tshark's fields."""
        if not self.client_hellos and not self.syn and self.payload_bytes["c"] + self.payload_bytes["s"] > 0:
            return "partial"
        if self.cut and not self.done():
            return "incomplete"
        if not self.tls_like("c") or not self.tls_like("s"):
            return "not_tls"
        if self.gap and not self.done():
            return "incomplete"
        fatal = [a for a in self.alerts if not a["encrypted"] and a["level"] == 2]
        if fatal:
            return "failed"
        if not self.done():
            enc = [a for a in self.alerts if a["encrypted"]]
            if enc or (self.tls13 and any(length == 19 for _, length in self.enc_after_sh["c"])):
                return "failed"
            if self.rst["c"] or self.rst["s"]:
                return "reset"
            if self.client_hellos and self.payload_bytes["s"] == 0:
                return "no_response"
            return "incomplete"
        return "resumed" if self.resumed() else "established"

    # --------------------------------------------------------------- checks
    def check(self, token):
        key, _, val = token.partition("=")
        ch = self.client_hellos[0] if self.client_hellos else None
        if key == "v":
            want = None if val == "none" else SHORT[val]
            return self.version == want, self.version
        if key == "hrr":
            return self.hrr, self.hrr
        if key == "resumed":
            return self.resumed(), self.resumed()
        if key == "psk":
            return bool(ch) and "41" in ch["exts"], ch and ch["exts"]
        if key == "ticket":
            return bool(ch) and "35" in ch["exts"], ch and ch["exts"]
        if key == "alert":
            plain = [a for a in self.alerts if not a["encrypted"]]
            got = f"{plain[0]['from']}{plain[0]['code']}" if plain else None
            return got == val, got
        if key == "noalert":
            fatal = [a for a in self.alerts if not a["encrypted"] and a["level"] == 2]
            return not fatal, fatal
        if key == "encalert":
            return self.encrypted_alert(val), self.alerts
        if key == "sni":
            got = ch["sni"] if ch else None
            return got == [val], got
        if key == "nosni":
            return bool(ch) and not ch["sni"], ch and ch["sni"]
        if key == "alpn":
            got = [sh["alpn"] for sh in self.server_hellos if not sh["hrr"]]
            return got == [[val]], got
        if key == "certs":
            return self.server_certs == int(val), self.server_certs
        if key == "ccert":
            return self.client_certs == int(val), self.client_certs
        if key == "rst":
            return self.rst[val], self.rst
        if key == "plain":
            return not self.tls_like(val), self.first_payload
        if key == "nodata":
            return self.payload_bytes[val] == 0, self.payload_bytes
        if key == "nosyn":
            return not self.syn, self.syn
        if key == "cut":
            return self.cut, self.cut
        if key == "retrans":
            return self.retrans, self.retrans
        if key == "ooo":
            return self.ooo, self.ooo
        if key == "gap":
            return self.gap, self.gap
        if key == "vlan":
            return self.all_tagged and self.vlans == {val}, sorted(self.vlans)
        if key == "ipv6":
            return self.ipv6, self.ipv6
        raise SystemExit(f"check.py: unknown check {token!r}; known:{CHECKS}")


def alert_json(a):
    d = {"frame": a["frame"], "from": "client" if a["from"] == "c" else "server",
         "encrypted": a["encrypted"]}
    if not a["encrypted"]:
        d["level"] = "fatal" if a["level"] == 2 else "warning"
        d["code"] = a["code"]
        d["description"] = ALERTS.get(a["code"], str(a["code"]))
    return d


def analyzer_outcomes(binary, path):
    try:
        out = subprocess.run([binary, "analyze", "--format", "json", path],
                             capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    flows = []
    for line in out.splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if obj.get("type") == "flow":
            flows.append(obj)
    return flows, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan")
    ap.add_argument("capdir")
    ap.add_argument("manifest")
    ap.add_argument("--analyzer")
    ap.add_argument("--stacks")
    ap.add_argument("--seconds")
    ap.add_argument("--ca-file")
    args = ap.parse_args()

    captures = OrderedDict()
    with open(args.plan) as f:
        for line in f:
            e = json.loads(line)
            if e["type"] == "capture":
                captures[e["file"]] = {"plan": e, "flows": [], "patterns": []}
            elif e["type"] == "flow":
                captures[e["file"]]["flows"].append(e)
            elif e["type"] == "pattern":
                captures[e["file"]]["patterns"].append(e)

    problems = []
    manifest_caps = []
    total_bytes = 0
    for name, cap in captures.items():
        path = os.path.join(args.capdir, name)
        plan = cap["plan"]
        ports = set(plan.get("server_ports", [443]))
        if not os.path.exists(path):
            problems.append(f"{name}: missing")
            continue
        size = os.path.getsize(path)
        total_bytes += size
        if size > 200 * 1024:
            problems.append(f"{name}: {size} bytes, more than 200 KB")
        rows = run_tshark(path, ports)
        streams = OrderedDict()
        for r in rows:
            s = first(r, "tcp.stream")
            if s == "":
                continue
            streams.setdefault(s, Flow(s)).frames.append(r)
        flows = list(streams.values())
        for fl in flows:
            fl.build(ports)
        flows.sort(key=lambda fl: fl.first_frame)
        planned = cap["flows"]
        if len(flows) != len(planned):
            problems.append(f"{name}: {len(flows)} TCP flows in the capture, {len(planned)} planned")
        entries = []
        for i, (fl, want) in enumerate(zip(flows, planned), 1):
            outcome = want["outcome"]
            seen = fl.classify()
            if outcome == "auto":      # decided by the wire (pattern captures with races)
                outcome = seen if seen in want.get("auto", []) else None
                if outcome is None:
                    problems.append(f"{name} flow {i}: wire says {seen}, not one of {want.get('auto')}")
                    outcome = seen
            alts = want.get("outcome_alternatives", [])
            if seen != outcome and seen not in alts:
                problems.append(f"{name} flow {i} (port {fl.client[1]}): planned {outcome}, "
                                f"tshark reading says {seen}")
            for token in want.get("checks", "").split():
                ok, got = fl.check(token)
                if not ok:
                    problems.append(f"{name} flow {i} (port {fl.client[1]}): check {token} failed (saw {got})")
            diags = want.get("diagnoses", [])
            if want["outcome"] == "auto":
                diags = want.get("auto_diagnoses", {}).get(outcome, diags)
            also = want.get("also_acceptable", [])
            for d in diags + also:
                if d not in DIAGNOSES:
                    problems.append(f"{name} flow {i}: unknown diagnosis id {d}")
            if outcome not in OUTCOMES:
                problems.append(f"{name} flow {i}: unknown outcome {outcome}")
            ch = fl.client_hellos[0] if fl.client_hellos else None
            entry = OrderedDict()
            entry["index"] = i
            entry["first_frame"] = fl.first_frame
            entry["client"] = {"ip": fl.client[0], "port": fl.client[1]}
            entry["server"] = {"ip": fl.server[0], "port": fl.server[1]} if fl.server else None
            entry["outcome"] = outcome
            if alts:
                entry["outcome_alternatives"] = alts
            entry["diagnoses"] = diags
            entry["diagnoses_also_acceptable"] = also
            entry["version"] = fl.version
            entry["server_name"] = ch["sni"][0] if ch and ch["sni"] else None
            entry["hello_retry_request"] = fl.hrr
            entry["resumed"] = outcome == "resumed"
            # In frames cut by the snap length tshark reads garbage as records.
            entry["alerts"] = [] if fl.cut else [alert_json(a) for a in fl.alerts]
            entry["client_stack"] = want.get("client", "")
            entry["server_stack"] = want.get("server", plan.get("server", ""))
            entry["what"] = want.get("what", "")
            entries.append(entry)
        autos = [(e["outcome"], w) for e, w in zip(entries, planned) if w["outcome"] == "auto"]
        if autos and {o for o, _ in autos} != set(autos[0][1]["auto"]):
            problems.append(f"{name}: the racing flows ended {sorted({o for o, _ in autos})}, "
                            f"expected each of {autos[0][1]['auto']}")
        info = capinfo(path)
        mc = OrderedDict()
        mc["file"] = name
        mc["description"] = plan.get("description", "")
        mc["file_type"] = info["file_type"]
        mc["link_type"] = info["link_type"]
        mc["packets"] = info["packets"]
        mc["bytes"] = size
        mc["server_ports"] = sorted(ports)
        mc["flows"] = entries
        if cap["patterns"]:
            mc["patterns"] = [{k: v for k, v in p.items() if k not in ("type", "file")}
                              for p in cap["patterns"]]
        if args.analyzer:
            got, err = analyzer_outcomes(args.analyzer, path)
            if got is None:
                print(f"analyzer: {name}: {err}")
            else:
                mine = [e["outcome"] for e in entries]
                theirs = [g.get("outcome") for g in got]
                if mine != theirs:
                    print(f"analyzer differs: {name}: manifest {mine} analyzer {theirs}")
        manifest_caps.append(mc)

    if total_bytes > 5 * 1024 * 1024:
        problems.append(f"all captures: {total_bytes} bytes, more than 5 MB")
    manifest = OrderedDict()
    manifest["about"] = ("Expected results for Fixtures/captures/*.pcap{,ng}, written by "
                         "Fixtures/make-fixtures.sh from tshark's reading of each file. Per flow, "
                         "in order of the flow's first packet: `outcome` (what a correct analyzer "
                         "must say; `outcome_alternatives`, when present, are readings the wire "
                         "cannot rule out), `diagnoses` (ids of spec/diagnoses.md a correct analyzer "
                         "must give) and `diagnoses_also_acceptable` (ids it may add: the wire "
                         "supports them too, or they depend on a reading of the spec). Certificate "
                         "checks assume `ca_file` as the only trust anchor (no system bundle).")
    manifest["generated_by"] = "Fixtures/make-fixtures.sh"
    manifest["recorded"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if args.ca_file:
        manifest["ca_file"] = args.ca_file
    if args.stacks:
        manifest["stacks"] = json.loads(args.stacks)
    if args.seconds:
        manifest["recording_seconds"] = int(args.seconds)
    manifest["total_bytes"] = total_bytes
    manifest["captures"] = manifest_caps
    with open(args.manifest, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    nflows = sum(len(c["flows"]) for c in manifest_caps)
    print(f"checked {len(manifest_caps)} captures, {nflows} flows, {total_bytes} bytes")
    if problems:
        print(f"{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
