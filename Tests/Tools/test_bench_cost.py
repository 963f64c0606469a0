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


class ProfileTests(unittest.TestCase):
    def test_valgrind_is_run_on_the_capture_and_its_output_read(self):
        directory = tempfile.mkdtemp()
        fake = os.path.join(directory, "valgrind")
        log = os.path.join(directory, "arguments")
        with open(fake, "w") as handle:
            handle.write("#!/bin/sh\n"
                         f'echo "$SWIFT_DETERMINISTIC_HASHING $@" > {log}\n'
                         'for a in "$@"; do case "$a" in --callgrind-out-file=*) out="${a#*=}";; esac; done\n'
                         'printf "events: Ir\\ntotals: 5000\\n" > "$out"\n'
                         'echo \'{"type":"flow","id":1}\'\n'
                         'echo \'{"type":"summary","flows":7}\'\n')
        os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
        path = os.environ["PATH"]
        os.environ["PATH"] = directory + os.pathsep + path
        try:
            totals, flows = bench_cost.profile("/bin/tlsautopsy", "cut.pcap", True, "1024,2,64", directory)
        finally:
            os.environ["PATH"] = path
        self.assertEqual((totals, flows), ({"Ir": 5000}, 7))
        with open(log) as handle:
            arguments = handle.read().split()
        self.assertEqual(arguments[0], "1")
        self.assertIn("--cache-sim=yes", arguments)
        self.assertIn("--LL=1024,2,64", arguments)
        self.assertEqual(arguments[-7:], ["/bin/tlsautopsy", "analyze", "--format", "json", "--threads", "1",
                                          "cut.pcap"])


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
        directory = tempfile.mkdtemp()
        fake = os.path.join(directory, "valgrind")
        with open(fake, "w") as handle:
            handle.write("#!/bin/sh\nexit 0\n")
        os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
        for small, large in [("5000", "5000"), ("9000", "5000"), ("0", "5000")]:
            result = self.run_script(["--bin", "/bin/true", "--small", small, "--large", large],
                                     directory + os.pathsep + os.environ["PATH"])
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("--small must be positive and below --large", result.stderr)


if __name__ == "__main__":
    unittest.main()
