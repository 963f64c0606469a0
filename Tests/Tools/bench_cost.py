#!/usr/bin/env python3
"""`make bench-cost`: what one flow costs tlsautopsy, counted by callgrind instead of timed.

Wall-clock figures on a shared VM move by 10 to 30 % from one run to the next, which hides
the few per cent a change to the hot path is worth. Instructions (and simulated cache
misses) do not move: this runs `tlsautopsy analyze --format json --threads 1` under
valgrind's callgrind on two cuts of one bench capture (its first SMALL and first LARGE
bytes, cut at packet boundaries) and divides the difference by the flows between them, so
the fixed costs (start-up, trust store, end of run) cancel out. Runs of one build agree
within a few tens of instructions a flow (0.01 %).

    python3 Tests/Tools/bench_cost.py --bin .build/release/tlsautopsy [--capture hs200k] [--cache] [--threads 2]

With --cache the simulation also counts first-level instruction and data misses and
last-level misses (an 8 MiB, 16-way last level unless --ll says otherwise), and an
estimate of cycles (instructions + 10 x first-level misses + 100 x last-level misses).

With --threads N above 1 the run is sharded, and each thread counted apart
(`--separate-threads=yes`): the costs are given for all threads, for the reading thread
(valgrind's thread 1) and for the shards (every other thread: Dispatch may run a shard's
batches on any of its pool's threads). A sharded run is as fast as its busiest side, so
this tells which side a change relieves. Two runs of one build agreed within 0.03 %.
"""

import argparse
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def _load_seeds_module():
    """make-fuzz-seeds.py (its name has hyphens), for its classic pcap reader."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-fuzz-seeds.py")
    spec = importlib.util.spec_from_file_location("make_fuzz_seeds", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cut_pcap(source, target, budget):
    """Copies the global header and the whole packets of the classic pcap `source` that fit
    in `budget` bytes into `target`; returns the bytes written. A truncated last record in
    the source ends the copy; pcapng is refused (the bench captures are classic pcap)."""
    with open(source, "rb") as src:
        data = src.read(max(budget, 0))
    # The reader stops at the first record the bytes read do not hold whole.
    _, header, packets = _load_seeds_module().read_pcap(data)
    with open(target, "wb") as dst:
        dst.write(header)
        for record, frame in packets:
            dst.write(record)
            dst.write(frame)
    return len(header) + sum(len(record) + len(frame) for record, frame in packets)


def callgrind_totals(path):
    """Event totals of a callgrind output file: {event name: count}."""
    events, totals = None, None
    with open(path) as handle:
        for line in handle:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("totals:") or (totals is None and line.startswith("summary:")):
                totals = [int(value) for value in line.split()[1:]]
    if events is None or totals is None:
        raise ValueError(f"{path}: no events or totals (not a callgrind output file?)")
    return dict(zip(events, totals))


def thread_totals(out):
    """{valgrind's thread number: event totals} of a `--separate-threads=yes` run whose
    output file was named `out` (callgrind writes `out-01`, `out-02`, ...)."""
    threads = {}
    for path in sorted(glob.glob(glob.escape(out) + "-*")):
        number = None
        with open(path) as handle:
            for line in handle:
                if line.startswith("thread:"):
                    number = int(line.split()[1])
                    break
        if number is None:
            raise ValueError(f"{path}: no thread number (not a --separate-threads output?)")
        totals = callgrind_totals(path)
        previous = threads.get(number, {})
        threads[number] = {event: previous.get(event, 0) + totals.get(event, 0) for event in totals}
    if not threads:
        raise ValueError(f"{out}: no per-thread output files")
    return threads


def added(totals):
    """The sum of event totals, event by event."""
    result = {}
    for each in totals:
        for event, count in each.items():
            result[event] = result.get(event, 0) + count
    return result


def groups(threads):
    """All threads, the reading thread (valgrind's thread 1) and the shards (the others)."""
    others = [totals for number, totals in sorted(threads.items()) if number != 1]
    return {"": added(threads.values()), "reading thread": threads.get(1, {}), "shards": added(others)}


def flows_in(summary_line):
    """The `flows` count of tlsautopsy's NDJSON summary line."""
    summary = json.loads(summary_line)
    if summary.get("type") != "summary":
        raise ValueError("the last line is not tlsautopsy's summary")
    return int(summary["flows"])


def profile(binary, capture, cache, ll, workdir, threads=1):
    """({group: callgrind totals}, flows) of one run over `capture`: one group, "", with
    one thread; all threads (""), the reading thread and the shards with more (`groups`)."""
    out = os.path.join(workdir, f"callgrind-{os.path.basename(capture)}.out")
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    if threads > 1:
        command.append("--separate-threads=yes")
    if cache:
        command += ["--cache-sim=yes", f"--LL={ll}", "--D1=32768,8,64", "--I1=32768,8,64"]
    command += [binary, "analyze", "--format", "json", "--threads", str(threads), capture]
    # Swift's hashing seeded the same on every run (the flow table's own hash is still drawn
    # at random, which leaves about 0.2 % of difference between runs).
    environment = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1")
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"valgrind exited with {result.returncode}: "
                           f"{result.stderr.decode(errors='replace').strip()[-300:]}")
    lines = result.stdout.rstrip(b"\n").split(b"\n")
    totals = groups(thread_totals(out)) if threads > 1 else {"": callgrind_totals(out)}
    return totals, flows_in(lines[-1])


def per_flow(small, large):
    """Per-flow costs between two profiles ((totals, flows) each, `large` holding more flows)."""
    (small_totals, small_flows), (large_totals, large_flows) = small, large
    flows = large_flows - small_flows
    if flows <= 0:
        raise ValueError("the larger cut holds no more flows than the smaller one")
    cost = {event: (large_totals.get(event, 0) - small_totals.get(event, 0)) / flows for event in large_totals}
    rows = [("flows between the cuts", f"{flows:,}"), ("instructions a flow", f"{cost['Ir']:,.0f}")]
    if "D1mr" in cost:
        first = cost["I1mr"] + cost["D1mr"] + cost["D1mw"]
        last = cost["ILmr"] + cost["DLmr"] + cost["DLmw"]
        rows += [("first-level instruction misses a flow", f"{cost['I1mr']:,.0f}"),
                 ("first-level data misses a flow", f"{cost['D1mr'] + cost['D1mw']:,.0f}"),
                 ("last-level misses a flow", f"{last:,.1f}"),
                 ("estimated cycles a flow", f"{cost['Ir'] + 10 * first + 100 * last:,.0f}")]
    return cost, rows


def report_rows(small, large):
    """The report's rows from two profiles ((groups, flows) each): the flows between the cuts
    once, then each group's costs per flow, labelled by its group (the one group of a
    one-thread run is not)."""
    (small_groups, small_flows), (large_groups, large_flows) = small, large
    rows = []
    for group, totals in large_groups.items():
        _, group_rows = per_flow((small_groups.get(group, {}), small_flows), (totals, large_flows))
        if rows:
            group_rows = group_rows[1:]  # per_flow's first row, the flows, is given once
        rows += [(f"{group}: {label}" if group else label, value) for label, value in group_rows]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=os.path.join(bench.ROOT, ".build", "release", "tlsautopsy"))
    parser.add_argument("--shared", default=os.path.join(bench.ROOT, "..", "shared"))
    parser.add_argument("--dir", default=os.path.join(bench.ROOT, ".build", "bench"))
    parser.add_argument("--capture", default="hs200k", choices=sorted(bench.CAPTURES))
    parser.add_argument("--small", type=int, default=41_000_000, help="bytes of the smaller cut")
    parser.add_argument("--large", type=int, default=165_000_000, help="bytes of the larger cut")
    parser.add_argument("--cache", action="store_true", help="simulate the caches too (about 3 x slower)")
    parser.add_argument("--ll", default="8388608,16,64", help="last level: size,ways,line (valgrind's --LL)")
    parser.add_argument("--threads", type=int, default=1, help="tlsautopsy's --threads (above 1: each side apart)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("bench-cost: valgrind is not installed (apt-get install valgrind)")
    if not 0 < args.small < args.large:
        sys.exit("bench-cost: --small must be positive and below --large")
    if args.threads < 1:
        sys.exit("bench-cost: --threads must be at least 1")
    source, _ = bench.generate(args.capture, args.shared, args.dir)
    with tempfile.TemporaryDirectory() as workdir:
        # Without its debug information (callgrind needs only the symbols), which valgrind's
        # reader refuses for this binary.
        binary = os.path.join(workdir, "tlsautopsy")
        subprocess.run(["strip", "-g", "-o", binary, args.bin], check=True)
        profiles = []
        for budget in (args.small, args.large):
            cut = os.path.join(workdir, f"cut-{budget}.pcap")
            cut_pcap(source, cut, budget)
            profiles.append(profile(binary, cut, args.cache, args.ll, workdir, args.threads))
    rows = report_rows(profiles[0], profiles[1])
    width = max(len(label) for label, _ in rows)
    threads = "one thread" if args.threads == 1 else f"{args.threads} threads"
    print(f"{args.capture}: first {args.small:,} and first {args.large:,} bytes, {threads}, callgrind")
    for label, value in rows:
        print(f"{label.ljust(width)}  {value.rjust(12)}")


if __name__ == "__main__":
    main()
