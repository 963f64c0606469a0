#!/usr/bin/env python3
"""Load test for `tlsautopsy sniff`: N handshakes per second on loopback for S seconds.

Starts `openssl s_server` on 127.0.0.1, starts `tlsautopsy sniff -i lo --format json`
on its port, makes the handshakes with Python's ssl module (a fixed rate, from a few
threads), stops the sniffer with SIGINT, and reports how many flows it printed, their
outcomes, and libpcap's kernel drop count. Run as root:

    python3 Tests/Tools/sniff-load.py --rate 200 --seconds 30 --bin .build/release/tlsautopsy
"""

import argparse
import collections
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time


def make_certificate(directory):
    key = os.path.join(directory, "key.pem")
    cert = os.path.join(directory, "cert.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", key, "-out", cert, "-days", "30", "-subj", "/CN=load.test"],
        check=True, capture_output=True)
    return key, cert


def wait_for_port(port, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with open("/proc/net/tcp") as table:
            if any(line.split()[1].endswith(":%04X" % port) and line.split()[3] == "0A" for line in table.readlines()[1:]):
                return True
        time.sleep(0.05)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=".build/release/tlsautopsy")
    parser.add_argument("--rate", type=int, default=200, help="handshakes per second")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=44590)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("sniff-load: run as root (live capture needs CAP_NET_RAW)", file=sys.stderr)
        return 2

    directory = tempfile.mkdtemp(prefix="sniff-load-")
    key, cert = make_certificate(directory)
    server = subprocess.Popen(
        ["openssl", "s_server", "-accept", "127.0.0.1:%d" % args.port, "-cert", cert, "-key", key, "-quiet", "-naccept",
         str(args.rate * args.seconds + 100)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_for_port(args.port):
        print("sniff-load: openssl s_server did not start", file=sys.stderr)
        return 1
    out_path = os.path.join(directory, "out.ndjson")
    err_path = os.path.join(directory, "err.txt")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        sniff = subprocess.Popen(
            [args.bin, "sniff", "-i", "lo", "--format", "json", "tcp port %d" % args.port], stdout=out, stderr=err)
    deadline = time.time() + 10
    while "listening on" not in open(err_path).read() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)

    context = ssl.create_default_context(cafile=cert)
    context.check_hostname = False
    total = args.rate * args.seconds
    results = collections.Counter()
    lock = threading.Lock()
    start = time.time()

    def worker(index):
        # Handshake k of this thread is due at start + (k * threads + index) / rate.
        for k in range(index, total, args.threads):
            due = start + k / args.rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            try:
                with socket.create_connection(("127.0.0.1", args.port), timeout=5) as raw:
                    with context.wrap_socket(raw, server_hostname="load.test") as tls:
                        tls.getpeercert()
                outcome = "ok"
            except Exception as error:  # noqa: BLE001 - counted, reported
                outcome = type(error).__name__
            with lock:
                results[outcome] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - start
    time.sleep(1)
    sniff.send_signal(signal.SIGINT)
    sniff.wait(timeout=30)
    server.terminate()

    flows = collections.Counter()
    summary = {}
    with open(out_path) as out:
        for line in out:
            record = json.loads(line)
            if record["type"] == "flow":
                flows[record["outcome"]] += 1
            else:
                summary = record
    reported = sum(flows.values())
    print(json.dumps({
        "handshakes_made": dict(results), "seconds": round(elapsed, 2), "rate": round(total / elapsed, 1),
        "flows_reported": reported, "outcomes": dict(flows), "packets": summary.get("packets"),
        "dropped_by_kernel": summary.get("dropped_by_kernel"), "dropped_by_interface": summary.get("dropped_by_interface"),
        "sniff_exit": sniff.returncode}, indent=2))
    ok = reported == total and summary.get("dropped_by_kernel") == 0 and sniff.returncode == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
