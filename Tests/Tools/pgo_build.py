#!/usr/bin/env python3
"""Profile-guided release build of tlsautopsy (LLVM IR-level PGO), what `make build` runs.

Three steps, each in a SwiftPM scratch directory of its own under --out (default .build-pgo):

1. an instrumented release build (`gen/`), whose binary counts every branch it takes;
2. training: that binary analyzes the fixture captures (Fixtures/captures: handshakes of real
   TLS stacks, successes and each kind of failure), with one and two threads, to NDJSON and
   to the text report, and its counts are merged into `profile.profdata`;
3. the release build (`use/`) optimized with those counts: hot paths laid out together and
   inlined, cold ones moved out of their way; and linked with ThinLTO (SwiftPM's
   `--experimental-lto-mode=thin`, with the toolchain's lld), which inlines and lays out
   across modules too. `make bench` measures what each gains.

The binary is `use/release/tlsautopsy`. SwiftPM does not rebuild when only a profile's content
changes (nor when only frontend flags do), so `use/` is built from scratch whenever the
profile is new; the whole run is skipped when the sources, the manifest, the training
captures and this script are what the last run built from (the key in `use.key`).

Usage:
    python3 Tests/Tools/pgo_build.py [--swift swift] [--out .build-pgo]
"""

import argparse
import glob
import hashlib
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
RELEASE = ["-c", "release", "--static-swift-stdlib"]
# What the binary is built from: a change to any of them makes a new profile and build.
KEYED = ["Sources", "Package.swift", "Package.resolved", "Fixtures/captures", "Tests/Tools/pgo_build.py"]
# Passes over the training captures in each run: enough flows that the per-packet and
# per-flow code, not the start-up (the trust store, the options), holds most of the counts.
TRAINING_PASSES = 30
# The runs of the training: (threads, format). Two threads take the sharded path, the default
# on a machine with more than one core.
TRAINING_RUNS = [("1", "json"), ("2", "json"), ("1", "text"), ("2", "text")]


def source_key(root, keyed=KEYED):
    """A digest of the files under `keyed` (paths relative to `root`): names and contents."""
    digest = hashlib.sha256()
    for entry in keyed:
        path = Path(root) / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.is_file():
                continue
            digest.update(str(file.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def training_captures(root):
    """The fixture captures the training analyzes, in a stable order."""
    base = Path(root) / "Fixtures" / "captures"
    found = [p for p in base.rglob("*") if p.suffix in (".pcap", ".pcapng") and p.is_file()]
    return sorted(str(p) for p in found)


def training_commands(binary, captures, passes=TRAINING_PASSES):
    """The training's command lines: each run analyzes every capture `passes` times."""
    files = list(captures) * passes
    commands = []
    for threads, output in TRAINING_RUNS:
        command = [str(binary), "analyze", "--threads", threads]
        if output == "json":
            command += ["--format", "json"]
        commands.append(command + files)
    return commands


def toolchain_file(swiftc, *pattern):
    """A file of the toolchain holding `swiftc` (its usr/ directory, glob `pattern`), or None."""
    usr = Path(os.path.realpath(swiftc)).parent.parent
    matches = sorted(glob.glob(str(usr.joinpath(*pattern))))
    return matches[-1] if matches else None


def instrumented_flags(raw_directory, runtime):
    """SwiftPM arguments for the instrumented build: counts written under `raw_directory`."""
    return [
        "-Xswiftc", "-Xfrontend", "-Xswiftc", "-ir-profile-generate=" + str(Path(raw_directory) / "default.profraw"),
        # The driver links the profile runtime only for -profile-generate: named here, and
        # its start-up hook kept, so the counts are written at exit.
        "-Xlinker", "-u", "-Xlinker", "__llvm_profile_runtime", "-Xlinker", str(runtime),
    ]


def optimized_flags(profile, jobs=None):
    """SwiftPM arguments for the build optimized with `profile`, linked with ThinLTO."""
    return [
        "-Xswiftc", "-Xfrontend", "-Xswiftc", "-ir-profile-use=" + str(profile),
        # -lto passed to swiftc alone leaves SwiftPM looking for object files the driver no
        # longer writes: SwiftPM's own option asks for bitcode and the link that reads it.
        "--experimental-lto-mode=thin", "-Xswiftc", "-use-ld=lld",
        "-Xlinker", f"--thinlto-jobs={jobs or os.cpu_count() or 1}",
    ]


def clear_build(scratch):
    """Removes a scratch directory's build products (keeps the fetched dependencies)."""
    for name in ("x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "release", "release.yaml", "build.db"):
        path = Path(scratch) / name
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)


def run(command, **kwargs):
    print("pgo:", " ".join(command[:12]) + (" ..." if len(command) > 12 else ""), flush=True)
    subprocess.run(command, check=True, **kwargs)


def train(binary, root, raw):
    """Runs the instrumented `binary` over the training captures; the count files it wrote."""
    captures = training_captures(root)
    if not captures:
        sys.exit("pgo: no training captures under Fixtures/captures")
    environment = dict(os.environ, LLVM_PROFILE_FILE=str(raw / "%p.profraw"), SWIFT_DETERMINISTIC_HASHING="1")
    for (threads, output), command in zip(TRAINING_RUNS, training_commands(binary, captures)):
        print(f"pgo: training: --threads {threads}, {output}, {len(captures)} captures x {TRAINING_PASSES}", flush=True)
        result = subprocess.run(command, cwd=root, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if result.returncode not in (0, 1):
            sys.exit(f"pgo: training run failed ({result.returncode}): {result.stderr.decode(errors='replace')[-2000:]}")
    counts = sorted(str(p) for p in raw.glob("*.profraw"))
    if len(counts) != len(TRAINING_RUNS):
        sys.exit(f"pgo: {len(counts)} count files written for {len(TRAINING_RUNS)} training runs")
    return counts


def build(swift, out, root=REPO_ROOT):
    """Runs the three steps (or nothing, when `use.key` matches); the optimized binary's path."""
    out = Path(out).resolve()
    binary = out / "use" / "release" / "tlsautopsy"
    # Resolved first: Package.resolved, written by the first resolution, is part of the key.
    run([swift, "package", "--scratch-path", str(out / "gen"), "resolve"], cwd=root)
    key = source_key(root)
    key_file = out / "use.key"
    if binary.is_file() and key_file.is_file() and key_file.read_text().strip() == key:
        print(f"pgo: {binary.relative_to(root) if binary.is_relative_to(root) else binary} is up to date")
        return binary
    swiftc = shutil.which("swiftc") or shutil.which(swift)
    runtime_name = f"libclang_rt.profile-{platform.machine()}.a"
    runtime = swiftc and toolchain_file(swiftc, "lib", "clang", "*", "lib", "linux", runtime_name)
    profdata = swiftc and toolchain_file(swiftc, "bin", "llvm-profdata")
    if not runtime or not profdata:
        sys.exit("pgo: the Swift toolchain's profile runtime or llvm-profdata is missing; "
                 "build without profiles with `make build PGO=0`")
    raw = out / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    run([swift, "build", *RELEASE, "--scratch-path", str(out / "gen"), *instrumented_flags(raw, runtime)], cwd=root)
    counts = train(out / "gen" / "release" / "tlsautopsy", root, raw)
    profile = out / "profile.profdata"
    run([profdata, "merge", "-o", str(profile), *counts])
    key_file.unlink(missing_ok=True)
    clear_build(out / "use")
    run([swift, "build", *RELEASE, "--scratch-path", str(out / "use"), *optimized_flags(profile)], cwd=root)
    key_file.write_text(key + "\n")
    return binary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--swift", default=os.environ.get("SWIFT", "swift"))
    parser.add_argument("--out", default=str(REPO_ROOT / ".build-pgo"))
    arguments = parser.parse_args()
    print(f"pgo: built {build(arguments.swift, arguments.out)}")


if __name__ == "__main__":
    main()
