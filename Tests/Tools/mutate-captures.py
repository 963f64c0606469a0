#!/usr/bin/env python3
"""Run tlsautopsy over mutated copies of real captures: no crash, no hang.

Takes the fixture captures (Fixtures/captures) and the shared corpus (../shared/corpus),
makes COUNT mutated copies (bit flips, byte rewrites, truncations, spliced lengths, all
from a fixed seed), runs `tlsautopsy analyze --format json` on each with a time limit, and
reports every run that was killed by a signal (a crash), ran past the limit (a hang), or
printed output that is not valid NDJSON. Exit status 1 when any did.

    python3 Tests/Tools/mutate-captures.py --bin .build/release/tlsautopsy --count 1000

Mutants that crashed or hung are kept in --keep (default .build/mutants/) to reproduce.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def captures(shared):
    paths = []
    for base in (os.path.join(ROOT, "Fixtures", "captures"), os.path.join(shared, "corpus")):
        for directory, _, names in os.walk(base):
            paths += [os.path.join(directory, name) for name in names
                      if name.endswith((".pcap", ".pcapng", ".cap")) and os.path.getsize(os.path.join(directory, name)) <= 4 << 20]
    return sorted(paths)


def mutate(data, rng):
    """One mutation family, picked at random; returns (bytes, "family: what was done")."""
    data = bytearray(data)
    kind = rng.choice(["bitflips", "bytes", "truncate", "lengths", "splice", "zero-run"])
    if kind == "bitflips":
        count = rng.randint(1, 64)
        for _ in range(count):
            position = rng.randrange(len(data))
            data[position] ^= 1 << rng.randrange(8)
        return bytes(data), f"bitflips: {count}"
    if kind == "bytes":
        count = rng.randint(1, 32)
        for _ in range(count):
            data[rng.randrange(len(data))] = rng.choice([0x00, 0xFF, 0x7F, 0x80, 0x16, 0x03, rng.randrange(256)])
        return bytes(data), f"bytes: {count} rewritten"
    if kind == "truncate":
        cut = rng.randrange(len(data))
        return bytes(data[:cut]), f"truncate: at {cut} of {len(data)}"
    if kind == "lengths":
        # Big-endian 16-bit values that look like lengths (TLS, IP) rewritten to extremes.
        count = rng.randint(1, 16)
        for _ in range(count):
            position = rng.randrange(max(1, len(data) - 1))
            value = rng.choice([0, 1, 0x3FFF, 0x4000, 0x4801, 0x7FFF, 0xFFFF])
            data[position:position + 2] = value.to_bytes(2, "big")
        return bytes(data), f"lengths: {count} 16-bit values rewritten"
    if kind == "splice":
        start = rng.randrange(len(data))
        end = min(len(data), start + rng.randint(1, 4096))
        at = rng.randrange(len(data))
        return bytes(data[:at] + data[start:end] + data[at:]), f"splice: {end - start} bytes repeated at {at}"
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 512))
    data[start:end] = bytes(end - start)
    return bytes(data), f"zero-run: {end - start} bytes at {start}"


def run_one(binary, path, timeout):
    started = time.monotonic()
    try:
        result = subprocess.run([binary, "analyze", "--format", "json", "--no-system-trust", path],
                                capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang", time.monotonic() - started, ""
    elapsed = time.monotonic() - started
    if result.returncode < 0 or result.returncode >= 128:
        return "crash", elapsed, result.stderr.decode(errors="replace")[-400:]
    if result.returncode == 0:
        try:
            lines = result.stdout.decode().splitlines()
            for line in lines:
                json.loads(line)
            if not lines or json.loads(lines[-1]).get("type") != "summary":
                return "bad-output", elapsed, "no summary line"
        except (ValueError, UnicodeDecodeError) as error:
            return "bad-output", elapsed, str(error)
        return "analyzed", elapsed, ""
    return "refused", elapsed, result.stderr.decode(errors="replace").strip().splitlines()[-1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "tlsautopsy"))
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a run counts as a hang")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", default=os.path.join(ROOT, ".build", "mutants"))
    args = parser.parse_args()
    sources = captures(args.shared)
    if not sources:
        sys.exit("mutate-captures: no captures found")
    rng = random.Random(args.seed)
    scratch = tempfile.mkdtemp(prefix="tlsautopsy-mutants-")
    jobs = []
    for number in range(args.count):
        source = rng.choice(sources)
        with open(source, "rb") as handle:
            data = handle.read()
        if not data:
            continue
        mutant, what = mutate(data, rng)
        path = os.path.join(scratch, f"mutant-{number:05d}{os.path.splitext(source)[1]}")
        with open(path, "wb") as handle:
            handle.write(mutant)
        jobs.append((path, os.path.relpath(source, ROOT), what))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda job: run_one(args.bin, job[0], args.timeout), jobs))
    wall = time.monotonic() - started
    tally = {}
    failures = []
    for (path, source, what), (verdict, elapsed, detail) in zip(jobs, results):
        tally[verdict] = tally.get(verdict, 0) + 1
        if verdict in ("crash", "hang", "bad-output"):
            os.makedirs(args.keep, exist_ok=True)
            kept = os.path.join(args.keep, os.path.basename(path))
            shutil.copyfile(path, kept)
            failures.append(f"{verdict}: {kept} (from {source}, {what}): {detail}")
    slowest = max(result[1] for result in results) if results else 0
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"{len(jobs)} mutants of {len(sources)} captures (seed {args.seed}) in {wall:.1f} s: "
          + ", ".join(f"{count} {verdict}" for verdict, count in sorted(tally.items()))
          + f"; slowest run {slowest:.2f} s")
    for failure in failures:
        print(failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
