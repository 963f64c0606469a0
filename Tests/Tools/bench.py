#!/usr/bin/env python3
"""`make bench`: tlsautopsy against the physical limit (a plain libpcap read loop) and the
peers, on the ../shared/bench captures.

Generates the captures once into .build/bench/ (the generator's --summary-json records its
arguments; a capture is reused while they match), builds Tests/Benchmarks/pcap-loop.c, then
runs, alternately, `tlsautopsy analyze --format json FILE > /dev/null` and the loop, RUNS
times each, and tshark once when it is installed (unless --no-tshark: at a minute per GB,
one run of it outlasts the rest of the table), and prints one table of medians:
wall seconds, MB/s, packets/s, flows/s, peak RSS, and the ratio tlsautopsy / loop,
with one tlsautopsy row per thread count (`--threads 1,2`: one thread, and the cores).

Each capture is read once, untimed, before its runs, so that every run reads it from the page
cache.

Three more tlsautopsy rows, one thread each, stop every packet after a stage of the pipeline
(`analyze --stop-after`, `--stages read,decode,flows`; `--stages ""` leaves them out):
`read` is libpcap reading the file and nothing else, `decode` adds the link, IP and TCP
headers, `flows` adds the flow table, reassembly, TLS parsing and the flow records (dropped
unread as flows end). The whole run adds the flows' ends: diagnoses, patterns, the lines and
their output. Each row's time less the one before it is what that stage costs.

Then one more run per run, one thread, splits the whole run's time by phase (`analyze
--phase-times`, `--no-phases` leaves it out): the packets (reading, decoding, following the
flows), then each phase of the flows' ends, timed on the clock where it runs: judging
certificates, learning servers, diagnosing, counting patterns, rendering lines, emitting them
and stating the patterns at the end. Printed as a second table of medians.

Last, the goals of the speed and memory issue that the rows can tell, each marked `met` or `NOT
MET`: `large` at least half the loop's speed with one thread and faster with more, `hs200k` at
least 90,000 flows/s with one thread, and at most 64 MB of peak RSS on both (the fourth goal,
no allocation per in-order segment of a decided flow, is `make bench-micro`'s).

    python3 Tests/Tools/bench.py --bin .build/release/tlsautopsy [--captures small,large,hs200k] [--threads 1,2]

`--captures open1000,open1` times the same 50,000 handshakes with 1,000 flows open at once
and with one at a time: what locality costs, apart from the work.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The captures of ../shared/bench/README.md, with the arguments given there.
CAPTURES = {
    "small": {"flows": 800, "app_bytes_per_flow": 65536, "seed": 1},
    "large": {"flows": 16000, "app_bytes_per_flow": 65536, "seed": 1},
    "hs200k": {"flows": 200000, "app_bytes_per_flow": 0, "seed": 2},
    # Not in the default set: the same 50,000 handshakes with 1,000 flows open at once (as in
    # hs200k) or one at a time. The bytes are nearly the same; the difference in time is what
    # a flow's state costs when no cache holds it by its next packet.
    "open1000": {"flows": 50000, "app_bytes_per_flow": 0, "seed": 2, "concurrency": 1000},
    "open1": {"flows": 50000, "app_bytes_per_flow": 0, "seed": 2, "concurrency": 1},
}

# The stages `tlsautopsy analyze --stop-after` stops at, in the pipeline's order.
STAGES = ("read", "decode", "flows")

# What `tlsautopsy analyze --phase-times` prints on standard error: the whole, then the
# packets and each phase of the flows' ends, in this order.
PHASES = ("packets", "judge", "learn", "diagnose", "patterns", "render", "emit", "summary")


def generate(name, shared, directory):
    """The capture's path and the generator's summary, generating it when missing or stale."""
    wanted = CAPTURES[name]
    path = os.path.join(directory, name + ".pcap")
    summary_path = os.path.join(directory, name + ".summary.json")
    if os.path.exists(path) and os.path.exists(summary_path):
        with open(summary_path) as handle:
            summary = json.load(handle)
        if all(summary.get("args", {}).get(key) == value for key, value in wanted.items()) \
                and summary.get("bytes") == os.path.getsize(path):
            return path, summary
    os.makedirs(directory, exist_ok=True)
    generator = os.path.join(shared, "bench", "make-bench-pcap.py")
    print(f"bench: generating {path} (once; cached under {directory})", file=sys.stderr)
    options = [part for key, value in wanted.items() for part in ("--" + key.replace("_", "-"), str(value))]
    subprocess.run([sys.executable, generator, *options,
                    "--out", path, "--truth", os.path.join(directory, name + ".truth.csv"),
                    "--summary-json", summary_path, "--quiet"], check=True)
    with open(summary_path) as handle:
        return path, json.load(handle)


def warm(path):
    """Reads the capture once, untimed, so that every timed run reads it from the page cache
    (as the issue's figures were taken): otherwise the first tool of the first run would read
    from the disk, and with `--runs 1` or 2 its row would say so. Returns the bytes read."""
    total = 0
    with open(path, "rb", buffering=0) as handle:
        while chunk := handle.read(1 << 20):
            total += len(chunk)
    return total


def prepared(name, shared, directory):
    """`generate`'s capture and summary, the capture read once (`warm`) before any run times it."""
    path, summary = generate(name, shared, directory)
    warm(path)
    return path, summary


def build_loop(directory):
    source = os.path.join(ROOT, "Tests", "Benchmarks", "pcap-loop.c")
    binary = os.path.join(directory, "pcap-loop")
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if compiler is None:
            sys.exit("bench: no C compiler (cc, gcc or clang) for Tests/Benchmarks/pcap-loop.c")
        os.makedirs(directory, exist_ok=True)
        subprocess.run([compiler, "-O2", "-o", binary, source, "-lpcap"], check=True)
    return binary


def measure(command, stderr=None):
    """(wall seconds, peak RSS in bytes) of one run, output to /dev/null. Standard error
    goes to a file, not a pipe: a chatty tool cannot block on it while we wait. Given a
    list as `stderr`, its text is appended to it."""
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as errors:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=null, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        code = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        text = errors.read().decode(errors="replace")
        if code != 0:
            raise RuntimeError(f"{' '.join(command)} exited with {code}: {text.strip()[-300:]}")
        if stderr is not None:
            stderr.append(text)
    return wall, usage.ru_maxrss * 1024


def phase_command(binary):
    """The run that splits one thread's time by phase."""
    return [binary, "analyze", "--format", "json", "--threads", "1", "--phase-times"]


def parse_phases(text):
    """The seconds of each of `PHASES` and of the whole ("all") from `--phase-times`'
    line in `text`; a RuntimeError when the line is missing or lacks a phase."""
    line = next((line for line in text.splitlines() if line.startswith("phase times")), None)
    if line is None:
        raise RuntimeError(f"no 'phase times' line in: {text.strip()[-300:]}")
    found = {name: float(value) for value, name in re.findall(r"([0-9.]+) s in (all)", line)}
    found.update({name: float(value) for name, value in re.findall(r"([a-z]+) ([0-9.]+) s", line)})
    missing = [name for name in ("all",) + PHASES if name not in found]
    if missing:
        raise RuntimeError(f"'phase times' line without {', '.join(missing)}: {line}")
    return {name: found[name] for name in ("all",) + PHASES}


def tools_for(binary, loop, counts, tshark, stages=()):
    """The commands measured, as (label, command, runs): tlsautopsy once per --threads count,
    then once per stage it stops after (one thread), and the loop, every run (runs None);
    tshark, given its path, in one run."""
    tools = [(f"tlsautopsy --threads {count}", [binary, "analyze", "--format", "json", "--threads", str(count)],
              None) for count in counts]
    tools += [(f"tlsautopsy --stop-after {stage}",
               [binary, "analyze", "--format", "json", "--threads", "1", "--stop-after", stage], None)
              for stage in stages]
    tools.append(("libpcap loop", [loop], None))
    if tshark:
        tools.append(("tshark (one run)", [tshark, "-n", "-T", "fields", "-e", "tls.handshake.type",
                                           "-e", "tls.handshake.ciphersuite", "-e", "tls.alert_message.desc",
                                           "-r"], 1))
    return tools


def failure_message(error, tshark):
    """What to tell when a measured command failed: the command and its error, and how to
    leave tshark out when it was tshark."""
    hint = " (BENCH_ARGS=--no-tshark leaves tshark out)" if tshark and str(error).startswith(tshark) else ""
    return f"bench: {error}{hint}"


def rows_for(name, path, summary, tools, runs, phases=None):
    """Runs every tool RUNS times (or its own count, if fewer), alternately; returns one
    row per tool with medians, and, given `phases` (a command that prints `--phase-times`'
    line), run once per run too, the medians of its phases (else None)."""
    samples = {label: [] for label, _, _ in tools}
    texts = []
    for run in range(runs):
        for label, command, own_runs in tools:
            if own_runs is None or run < own_runs:
                samples[label].append(measure(command + [path]))
        if phases is not None:
            measure(phases + [path], stderr=texts)
    size = os.path.getsize(path)
    rows = []
    for label, _, _ in tools:
        wall = statistics.median(sample[0] for sample in samples[label])
        rss = max(sample[1] for sample in samples[label])
        rows.append({"capture": name, "tool": label, "seconds": wall, "mb_per_s": size / 1e6 / wall,
                     "packets_per_s": summary["packets"] / wall, "flows_per_s": summary["flows"] / wall,
                     "rss_mb": rss / 1e6})
    loop = next(row for row in rows if row["tool"] == "libpcap loop")
    for row in rows:
        row["ratio"] = loop["seconds"] / row["seconds"]
    if phases is None:
        return rows, None
    parsed = [parse_phases(text) for text in texts]
    split = {"capture": name}
    split.update({key: statistics.median(sample[key] for sample in parsed) for key in ("all",) + PHASES})
    return rows, split


def aligned(lines, left):
    """Lines of cells (the header first) as text columns: the first `left` columns
    left-aligned, the others right-aligned, a rule under the header."""
    widths = [max(len(line[index]) for line in lines) for index in range(len(lines[0]))]
    out = []
    for number, line in enumerate(lines):
        out.append("  ".join(cell.ljust(width) if index < left else cell.rjust(width)
                             for index, (cell, width) in enumerate(zip(line, widths))))
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)


def table(rows):
    header = ["capture", "tool", "seconds", "MB/s", "packets/s", "flows/s", "peak RSS MB", "x loop speed"]
    lines = [header]
    for row in rows:
        lines.append([row["capture"], row["tool"], f"{row['seconds']:.2f}", f"{row['mb_per_s']:.0f}",
                      f"{row['packets_per_s']:,.0f}", f"{row['flows_per_s']:,.0f}", f"{row['rss_mb']:.0f}",
                      f"{row['ratio']:.2f}"])
    return aligned(lines, left=2)


def phase_table(splits):
    """The phase rows as a table: the seconds of each of `PHASES`, then of the whole."""
    header = ["capture", *PHASES, "all"]
    return aligned([header] + [[split["capture"], *(f"{split[key]:.2f}" for key in (*PHASES, "all"))]
                               for split in splits], left=1)


# The speed and memory goals (the "Done when"), each checked on the rows of one run.
LARGE_RATIO_GOAL = 0.5
HS200K_FLOWS_GOAL = 90_000
RSS_GOAL_MB = 64


def thread_rows(rows, capture):
    """The whole-run tlsautopsy rows of `capture`, by thread count."""
    found = {}
    for row in rows:
        match = re.fullmatch(r"tlsautopsy --threads (\d+)", row["tool"])
        if row["capture"] == capture and match:
            found[int(match.group(1))] = row
    return found


def goals(rows):
    """The goals the rows can tell, as (met, text), in the issue's order: `large` at least half
    the loop's speed with one thread, and faster with the most threads measured; `hs200k` at
    least 90,000 flows/s with one thread; peak RSS at most 64 MB in every tlsautopsy row of
    `large` and `hs200k`. A goal whose rows were not measured is left out."""
    checks = []
    large = thread_rows(rows, "large")
    if 1 in large:
        ratio = large[1]["ratio"]
        checks.append((ratio >= LARGE_RATIO_GOAL, f"large, one thread: {ratio:.2f} x the loop's speed "
                                                  f"(goal: at least {LARGE_RATIO_GOAL:.2f} x)"))
        most = max(large)
        if most > 1:
            faster = large[most]["seconds"] < large[1]["seconds"]
            checks.append((faster, f"large, {most} threads: {large[most]['seconds']:.2f} s against "
                                   f"{large[1]['seconds']:.2f} s with one (goal: faster than one)"))
    hs200k = thread_rows(rows, "hs200k")
    if 1 in hs200k:
        flows = hs200k[1]["flows_per_s"]
        checks.append((flows >= HS200K_FLOWS_GOAL, f"hs200k, one thread: {flows:,.0f} flows/s "
                                                   f"(goal: at least {HS200K_FLOWS_GOAL:,})"))
    for capture in ("large", "hs200k"):
        measured = [row["rss_mb"] for row in rows
                    if row["capture"] == capture and row["tool"].startswith("tlsautopsy")]
        if measured:
            peak = max(measured)
            checks.append((peak <= RSS_GOAL_MB, f"{capture}: the largest peak RSS of its tlsautopsy rows "
                                                f"is {peak:.1f} MB (goal: at most {RSS_GOAL_MB} MB)"))
    return checks


def goal_lines(checks):
    """The goals as lines of text, each marked `met` or `NOT MET`."""
    return [f"  {'met    ' if met else 'NOT MET'}  {text}" for met, text in checks]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "tlsautopsy"))
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    parser.add_argument("--dir", default=os.path.join(ROOT, ".build", "bench"))
    parser.add_argument("--captures", default="small,large,hs200k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-tshark", action="store_true",
                        help="leave out tshark's row, there by default when tshark is installed "
                             "(one run: about a minute per GB)")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--threads", default=f"1,{os.cpu_count() or 1}",
                        help="tlsautopsy rows, one per --threads count (default: 1 and the number of cores)")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help="tlsautopsy rows stopped after these stages of the pipeline, one thread "
                             f"(default: {','.join(STAGES)}; empty: none)")
    parser.add_argument("--no-phases", action="store_true",
                        help="leave out the run per run that splits one thread's time by phase "
                             "(analyze --phase-times)")
    args = parser.parse_args()
    names = [name for name in args.captures.split(",") if name]
    unknown = [name for name in names if name not in CAPTURES]
    if unknown:
        sys.exit(f"bench: unknown capture {', '.join(unknown)} (known: {', '.join(CAPTURES)})")
    stages = [stage.strip() for stage in args.stages.split(",") if stage.strip()]
    unknown = [stage for stage in stages if stage not in STAGES]
    if unknown:
        sys.exit(f"bench: unknown stage {', '.join(unknown)} (known: {', '.join(STAGES)})")
    loop = build_loop(args.dir)
    counts = sorted({int(count) for count in args.threads.split(",") if count.strip()})
    tshark = None if args.no_tshark else shutil.which("tshark")
    if not args.no_tshark and tshark is None:
        print("bench: tshark is not installed, so its row is left out (apt-get install tshark adds it)",
              file=sys.stderr)
    tools = tools_for(args.bin, loop, counts, tshark, stages)
    rows = []
    splits = []
    phases = None if args.no_phases else phase_command(args.bin)
    for name in names:
        path, summary = prepared(name, args.shared, args.dir)
        try:
            capture_rows, split = rows_for(name, path, summary, tools, args.runs, phases)
        except RuntimeError as error:
            sys.exit(failure_message(error, tshark))
        rows += capture_rows
        if split is not None:
            splits.append(split)
    print(table(rows))
    once = " (tshark: one)" if tshark else ""
    print(f"\nmedians of {args.runs} alternating runs{once}; peak RSS is the largest of them; "
          f"x loop speed = loop seconds / tool seconds (the loop reads every byte and adds it up)")
    if stages:
        print("--stop-after rows: one thread, each packet stopped after that stage, no flow reported; "
              "a row's seconds less the row before it are what its stage costs")
    if splits:
        print(f"\nwhere one thread's time goes, in seconds (analyze --threads 1 --phase-times, medians of "
              f"{args.runs} runs): packets = reading, decoding and following the flows; then each phase "
              f"of the flows' ends, timed where it runs")
        print(phase_table(splits))
    checks = goals(rows)
    if checks:
        print("\ngoals, in this run (allocations per in-order segment of a decided flow: make bench-micro):")
        print("\n".join(goal_lines(checks)))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows + [dict(split, tool="tlsautopsy --phase-times") for split in splits], handle, indent=1)


if __name__ == "__main__":
    main()
