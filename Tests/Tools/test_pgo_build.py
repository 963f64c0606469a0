"""Unit tests for pgo_build.py (run: python3 -m unittest discover -s Tests/Tools -p 'test_*.py')."""

import os
import platform
import stat
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pgo_build  # noqa: E402


def write(path, text, executable=False):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if executable:
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def small_repo():
    """A repository with what the key covers: sources, a manifest, two captures."""
    root = Path(tempfile.mkdtemp())
    write(root / "Sources" / "A" / "a.swift", "let a = 1\n")
    write(root / "Package.swift", "// manifest\n")
    write(root / "Fixtures" / "captures" / "one.pcap", "pcap")
    write(root / "Fixtures" / "captures" / "linktypes" / "two.pcapng", "pcapng")
    write(root / "Fixtures" / "captures" / "linktypes" / "README.md", "notes")
    return root


# A stand-in for `swift build`: logs its arguments, and makes the scratch directory's binary, a
# script that writes a count file where LLVM_PROFILE_FILE says (with %p as its process id).
FAKE_SWIFT = """#!/bin/sh
if [ "$1" = "package" ]; then
    [ -e Package.resolved ] || echo "pins" > Package.resolved
    exit 0
fi
echo "$@" >> "$LOG"
scratch=""
while [ $# -gt 0 ]; do
    if [ "$1" = "--scratch-path" ]; then scratch="$2"; fi
    shift
done
[ -e "$scratch/release/stale" ] && echo "stale product still there" >> "$LOG"
mkdir -p "$scratch/release"
touch "$scratch/release/stale"
cat > "$scratch/release/tlsautopsy" <<'INNER'
#!/bin/sh
file=$(echo "$LLVM_PROFILE_FILE" | sed "s/%p/$$/")
echo "$@" > "$file"
INNER
chmod +x "$scratch/release/tlsautopsy"
"""

# A stand-in for llvm-profdata merge: writes the -o file with the inputs' names.
FAKE_PROFDATA = """#!/bin/sh
shift
out="$2"
shift 2
echo "$@" > "$out"
"""


def fake_toolchain():
    """A toolchain directory: usr/bin/swiftc, usr/bin/llvm-profdata and the profile runtime."""
    usr = Path(tempfile.mkdtemp()) / "usr"
    write(usr / "bin" / "swiftc", "#!/bin/sh\n", executable=True)
    write(usr / "bin" / "llvm-profdata", FAKE_PROFDATA, executable=True)
    write(usr / "lib" / "clang" / "21" / "lib" / "linux" / f"libclang_rt.profile-{platform.machine()}.a", "archive")
    swift = write(usr.parent / "swift", FAKE_SWIFT, executable=True)
    return usr, swift


class SourceKeyTests(unittest.TestCase):
    def test_the_key_follows_the_contents_and_names_of_the_keyed_files(self):
        root = small_repo()
        first = pgo_build.source_key(root)
        self.assertEqual(first, pgo_build.source_key(root))
        write(root / "Tests" / "other.txt", "not keyed")
        self.assertEqual(first, pgo_build.source_key(root))
        write(root / "Sources" / "A" / "a.swift", "let a = 2\n")
        changed = pgo_build.source_key(root)
        self.assertNotEqual(first, changed)
        write(root / "Sources" / "A" / "b.swift", "")
        self.assertNotEqual(changed, pgo_build.source_key(root))
        (root / "Sources" / "A" / "b.swift").rename(root / "Sources" / "A" / "c.swift")
        self.assertNotEqual(changed, pgo_build.source_key(root))


class TrainingTests(unittest.TestCase):
    def test_every_capture_under_the_fixtures_is_trained_on(self):
        root = small_repo()
        found = pgo_build.training_captures(root)
        self.assertEqual(
            found,
            [str(root / "Fixtures/captures/linktypes/two.pcapng"), str(root / "Fixtures/captures/one.pcap")])

    def test_each_run_reads_every_capture_each_pass_with_one_and_two_threads(self):
        commands = pgo_build.training_commands("bin", ["a.pcap", "b.pcap"], passes=3)
        self.assertEqual(len(commands), 4)
        for command in commands:
            self.assertEqual(command[:2], ["bin", "analyze"])
            self.assertEqual(command[-6:], ["a.pcap", "b.pcap"] * 3)
        self.assertEqual({c[3] for c in commands}, {"1", "2"})
        self.assertEqual(sum("--format" in c for c in commands), 2)


class BuildTests(unittest.TestCase):
    def setUp(self):
        self.usr, self.swift = fake_toolchain()
        self.log = Path(tempfile.mkdtemp()) / "log"
        self.saved = dict(os.environ)
        os.environ["PATH"] = str(self.usr / "bin") + os.pathsep + os.environ["PATH"]
        os.environ["LOG"] = str(self.log)

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self.saved)

    def test_a_build_trains_then_builds_from_scratch_with_the_counts_then_is_up_to_date(self):
        # A fresh clone: no Package.resolved until the first resolution writes it.
        root = small_repo()
        out = root / ".build-pgo"
        binary = pgo_build.build(str(self.swift), out, root=root)
        self.assertEqual(binary, (out / "use/release/tlsautopsy").resolve())
        builds = self.log.read_text().splitlines()
        self.assertEqual(len(builds), 2)
        self.assertIn("-ir-profile-generate=", builds[0])
        self.assertIn("__llvm_profile_runtime", builds[0])
        self.assertIn(f"libclang_rt.profile-{platform.machine()}.a", builds[0])
        self.assertIn("-ir-profile-use=" + str((out / "profile.profdata").resolve()), builds[1])
        self.assertIn("--experimental-lto-mode=thin -Xswiftc -use-ld=lld", builds[1])
        self.assertNotIn("lto", builds[0])
        # One count file per training run, all merged.
        merged = (out / "profile.profdata").read_text().split()
        self.assertEqual(len(merged), len(pgo_build.TRAINING_RUNS))
        self.assertEqual((out / "use.key").read_text().strip(), pgo_build.source_key(root))
        # Nothing changed: no build at all.
        pgo_build.build(str(self.swift), out, root=root)
        self.assertEqual(len(self.log.read_text().splitlines()), 2)
        # A source changed: the instrumented build goes on from its products (its flags never
        # change), the optimized one starts from scratch (SwiftPM would keep products built
        # with the old counts): no stale product after its arguments.
        write(root / "Sources" / "A" / "a.swift", "let a = 3\n")
        pgo_build.build(str(self.swift), out, root=root)
        lines = self.log.read_text().splitlines()
        self.assertEqual(len(lines), 5)
        self.assertIn("-ir-profile-generate=", lines[2])
        self.assertEqual(lines[3], "stale product still there")
        self.assertIn("-ir-profile-use=", lines[4])

    def test_a_toolchain_without_the_profile_runtime_stops_with_advice(self):
        (self.usr / "lib" / "clang" / "21" / "lib" / "linux" / f"libclang_rt.profile-{platform.machine()}.a").unlink()
        with self.assertRaises(SystemExit) as stop:
            pgo_build.build(str(self.swift), small_repo() / ".build-pgo", root=small_repo())
        self.assertIn("PGO=0", str(stop.exception))
        self.assertFalse(self.log.exists())


if __name__ == "__main__":
    unittest.main()
