"""Unit tests for bench_cost.py (run: python3 -m unittest discover -s Tests/Tools -p 'test_*.py')."""

import os
import stat
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_cost  # noqa: E402


def classic_pcap(path, sizes, order="<", truncate_last=0):
    """A classic pcap with one packet of each size (bytes 0, 1, ... of the packet's index)."""
    with open(path, "wb") as handle:
        handle.write(struct.pack(order + "IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for index, size in enumerate(sizes):
            data = bytes([index]) * size
            record = struct.pack(order + "IIII", 1_700_000_000 + index, 0, size, size) + data
            if index == len(sizes) - 1 and truncate_last:
                record = record[:-truncate_last]
            handle.write(record)


def packets(path, order="<"):
    """The packets of a classic pcap file, as bytes."""
    found = []
    with open(path, "rb") as handle:
        handle.read(24)
        while True:
            record = handle.read(16)
            if len(record) < 16:
                return found
            size = struct.unpack(order + "IIII", record)[2]
            found.append(handle.read(size))


def fake_valgrind(body):
    """A directory holding an executable `valgrind` that runs the shell lines `body`."""
    directory = tempfile.mkdtemp()
    fake = os.path.join(directory, "valgrind")
    with open(fake, "w") as handle:
        handle.write("#!/bin/sh\n" + body)
    os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
    return directory


def profile_with(directory, *arguments):
    """bench_cost.profile(*arguments) with the fake valgrind of `directory` first on the PATH."""
    path = os.environ["PATH"]
    os.environ["PATH"] = directory + os.pathsep + path
    try:
        return bench_cost.profile(*arguments)
    finally:
        os.environ["PATH"] = path


# The shell lines of a fake valgrind that finds the output file it was given.
FIND_OUT = 'for a in "$@"; do case "$a" in --callgrind-out-file=*) out="${a#*=}";; esac; done\n'


class CutTests(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp()
        self.source = os.path.join(self.directory, "in.pcap")
        self.target = os.path.join(self.directory, "out.pcap")

    def test_whole_packets_that_fit_are_copied(self):
        classic_pcap(self.source, [100, 200, 300])
        # Header 24, then 16 + 100, 16 + 200: 356 bytes; the third packet would need 672.
        for budget, expected in [(24, 0), (139, 0), (140, 1), (355, 1), (356, 2), (671, 2), (672, 3), (10**9, 3)]:
            written = bench_cost.cut_pcap(self.source, self.target, budget)
            self.assertEqual(written, os.path.getsize(self.target))
            self.assertEqual(packets(self.target), [bytes([i]) * s for i, s in enumerate([100, 200, 300])][:expected],
                             f"budget {budget}")
            with open(self.source, "rb") as a, open(self.target, "rb") as b:
                self.assertEqual(a.read(24), b.read(24))

    def test_big_endian_files_are_cut_too(self):
        classic_pcap(self.source, [50, 60], order=">")
        bench_cost.cut_pcap(self.source, self.target, 24 + 16 + 50)
        self.assertEqual(packets(self.target, order=">"), [bytes([0]) * 50])

    def test_a_truncated_last_record_ends_the_copy(self):
        classic_pcap(self.source, [40, 40, 40], truncate_last=5)
        self.assertEqual(bench_cost.cut_pcap(self.source, self.target, 10**9), 24 + 2 * 56)

    def test_other_formats_are_refused(self):
        with open(self.source, "wb") as handle:
            handle.write(b"\x0a\x0d\x0d\x0a" + b"\x00" * 40)  # a pcapng section header
        with self.assertRaises(ValueError):
            bench_cost.cut_pcap(self.source, self.target, 10**6)


class ArithmeticTests(unittest.TestCase):
    def test_totals_are_read_by_event_name(self):
        path = os.path.join(tempfile.mkdtemp(), "callgrind.out")
        with open(path, "w") as handle:
            handle.write("version: 1\nevents: Ir D1mr\nsummary: 900 9\nfn=(1) main\n0x10 3 4\ntotals: 1000 10\n")
        self.assertEqual(bench_cost.callgrind_totals(path), {"Ir": 1000, "D1mr": 10})
        with open(path, "w") as handle:
            handle.write("not callgrind\n")
        with self.assertRaises(ValueError):
            bench_cost.callgrind_totals(path)

    def test_flows_come_from_the_summary_line(self):
        self.assertEqual(bench_cost.flows_in(b'{"type":"summary","packets":9,"flows":42}'), 42)
        with self.assertRaises(ValueError):
            bench_cost.flows_in(b'{"type":"flow","id":1}')

    def test_per_flow_costs_are_the_difference_over_the_flows_between(self):
        cost, rows = bench_cost.per_flow(({"Ir": 1_000_000}, 10), ({"Ir": 3_000_000}, 30))
        self.assertEqual(cost["Ir"], 100_000)
        self.assertEqual(dict(rows)["instructions a flow"], "100,000")
        events = ["Ir", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"]
        small = (dict.fromkeys(events, 0), 0)
        large = (dict(zip(events, [1000, 20, 30, 10, 1, 4, 5])), 10)
        cost, rows = bench_cost.per_flow(small, large)
        table = dict(rows)
        self.assertEqual(table["first-level data misses a flow"], "4")
        self.assertEqual(table["last-level misses a flow"], "1.0")
        # 100 instructions + 10 x (2 + 3 + 1) first-level + 100 x (0.1 + 0.4 + 0.5) last-level.
        self.assertEqual(table["estimated cycles a flow"], "260")
        with self.assertRaises(ValueError):
            bench_cost.per_flow(({"Ir": 1}, 5), ({"Ir": 2}, 5))


class ReportTests(unittest.TestCase):
    def test_one_thread_gives_unlabelled_rows(self):
        rows = bench_cost.report_rows(({"": {"Ir": 1000}}, 10), ({"": {"Ir": 3000}}, 20))
        self.assertEqual(rows, [("flows between the cuts", "10"), ("instructions a flow", "200")])

    def test_each_side_of_a_sharded_run_is_labelled_and_the_flows_given_once(self):
        small = ({"": {"Ir": 100}, "reading thread": {"Ir": 60}, "shards": {"Ir": 40}}, 1)
        large = ({"": {"Ir": 1100}, "reading thread": {"Ir": 460}, "shards": {"Ir": 640}}, 5)
        self.assertEqual(bench_cost.report_rows(small, large), [
            ("flows between the cuts", "4"),
            ("instructions a flow", "250"),
            ("reading thread: instructions a flow", "100"),
            ("shards: instructions a flow", "150"),
        ])


class ProfileTests(unittest.TestCase):
    def test_valgrind_is_run_on_the_capture_and_its_output_read(self):
        log = os.path.join(tempfile.mkdtemp(), "arguments")
        directory = fake_valgrind(f'echo "$SWIFT_DETERMINISTIC_HASHING $@" > {log}\n' + FIND_OUT
                                  + 'printf "events: Ir\\ntotals: 5000\\n" > "$out"\n'
                                  + 'echo \'{"type":"flow","id":1}\'\n'
                                  + 'echo \'{"type":"summary","flows":7}\'\n')
        totals, flows = profile_with(directory, "/bin/tlsautopsy", "cut.pcap", True, "1024,2,64", directory)
        self.assertEqual((totals, flows), ({"": {"Ir": 5000}}, 7))
        with open(log) as handle:
            arguments = handle.read().split()
        self.assertNotIn("--separate-threads=yes", arguments)
        self.assertEqual(arguments[0], "1")
        self.assertIn("--cache-sim=yes", arguments)
        self.assertIn("--LL=1024,2,64", arguments)
        self.assertEqual(arguments[-7:], ["/bin/tlsautopsy", "analyze", "--format", "json", "--threads", "1",
                                          "cut.pcap"])


class ThreadTests(unittest.TestCase):
    @staticmethod
    def write_thread(out, number, ir, misses):
        with open(f"{out}-{number:02d}", "w") as handle:
            handle.write(f"version: 1\ncmd: tlsautopsy\npart: 1\nthread: {number}\n"
                         f"events: Ir D1mr\nsummary: {ir} {misses}\nfn=(1) f\n0x10 1 1\ntotals: {ir} {misses}\n")

    def test_each_thread_is_read_and_the_shards_added_up(self):
        out = os.path.join(tempfile.mkdtemp(), "callgrind.out")
        open(out, "w").close()  # callgrind leaves the unsuffixed file empty
        self.write_thread(out, 1, 1000, 10)
        self.write_thread(out, 2, 300, 3)
        self.write_thread(out, 3, 200, 2)
        threads = bench_cost.thread_totals(out)
        self.assertEqual(threads, {1: {"Ir": 1000, "D1mr": 10}, 2: {"Ir": 300, "D1mr": 3}, 3: {"Ir": 200, "D1mr": 2}})
        self.assertEqual(bench_cost.groups(threads), {
            "": {"Ir": 1500, "D1mr": 15},
            "reading thread": {"Ir": 1000, "D1mr": 10},
            "shards": {"Ir": 500, "D1mr": 5},
        })

    def test_missing_or_unnumbered_thread_files_are_refused(self):
        out = os.path.join(tempfile.mkdtemp(), "callgrind.out")
        with self.assertRaises(ValueError):
            bench_cost.thread_totals(out)
        with open(out + "-01", "w") as handle:
            handle.write("events: Ir\ntotals: 5\n")
        with self.assertRaises(ValueError):
            bench_cost.thread_totals(out)

    def test_a_sharded_run_is_profiled_thread_by_thread(self):
        log = os.path.join(tempfile.mkdtemp(), "arguments")
        directory = fake_valgrind(f'echo "$@" > {log}\n' + FIND_OUT + ': > "$out"\n'
                                  + 'printf "thread: 1\\nevents: Ir\\ntotals: 900\\n" > "$out-01"\n'
                                  + 'printf "thread: 2\\nevents: Ir\\ntotals: 40\\n" > "$out-02"\n'
                                  + 'printf "thread: 4\\nevents: Ir\\ntotals: 60\\n" > "$out-04"\n'
                                  + 'echo \'{"type":"summary","flows":3}\'\n')
        totals, flows = profile_with(directory, "/bin/tlsautopsy", "cut.pcap", False, "1024,2,64", directory, 2)
        self.assertEqual(flows, 3)
        self.assertEqual(totals, {"": {"Ir": 1000}, "reading thread": {"Ir": 900}, "shards": {"Ir": 100}})
        with open(log) as handle:
            arguments = handle.read().split()
        self.assertIn("--separate-threads=yes", arguments)
        self.assertEqual(arguments[-3:], ["--threads", "2", "cut.pcap"])


class CommandLineTests(unittest.TestCase):
    SCRIPT = str(Path(__file__).resolve().parent / "bench_cost.py")

    def run_script(self, arguments, path):
        environment = dict(os.environ, PATH=path)
        return subprocess.run([sys.executable, self.SCRIPT] + arguments, capture_output=True, text=True,
                              env=environment, check=False)

    def test_without_valgrind_it_says_what_to_install(self):
        result = self.run_script(["--bin", "/bin/true"], tempfile.mkdtemp())
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("valgrind is not installed", result.stderr)

    def test_cuts_out_of_order_are_refused(self):
        directory = fake_valgrind("exit 0\n")
        for small, large in [("5000", "5000"), ("9000", "5000"), ("0", "5000")]:
            result = self.run_script(["--bin", "/bin/true", "--small", small, "--large", large],
                                     directory + os.pathsep + os.environ["PATH"])
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("--small must be positive and below --large", result.stderr)

    def test_a_thread_count_below_one_is_refused(self):
        directory = fake_valgrind("exit 0\n")
        result = self.run_script(["--bin", "/bin/true", "--threads", "0"], directory + os.pathsep + os.environ["PATH"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--threads must be at least 1", result.stderr)


if __name__ == "__main__":
    unittest.main()
