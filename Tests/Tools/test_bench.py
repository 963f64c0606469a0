"""Unit tests for bench.py (run: python3 -m unittest discover -s Tests/Tools -p 'test_*.py')."""

import importlib.util
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_binary import fake_binary as fake  # noqa: E402

_SCRIPT = Path(__file__).resolve().parent / "bench.py"
_SPEC = importlib.util.spec_from_file_location("bench", _SCRIPT)
bench = importlib.util.module_from_spec(_SPEC)
sys.modules["bench"] = bench
_SPEC.loader.exec_module(bench)


class BenchTests(unittest.TestCase):
    def test_rows_give_rates_and_the_ratio_to_the_loop(self):
        capture = tempfile.NamedTemporaryFile(delete=False)
        capture.write(b"x" * 2_000_000)
        capture.close()
        tools = [("tlsautopsy", [fake("sleep 0.2")], None), ("libpcap loop", [fake("sleep 0.1")], None)]
        rows, split = bench.rows_for("small", capture.name, {"packets": 1000, "flows": 10}, tools, runs=3)
        self.assertIsNone(split)
        by_tool = {row["tool"]: row for row in rows}
        self.assertAlmostEqual(by_tool["tlsautopsy"]["seconds"], 0.2, delta=0.08)
        self.assertAlmostEqual(by_tool["libpcap loop"]["ratio"], 1.0)
        self.assertLess(by_tool["tlsautopsy"]["ratio"], 0.8)
        self.assertAlmostEqual(by_tool["tlsautopsy"]["mb_per_s"], 2.0 / by_tool["tlsautopsy"]["seconds"])
        self.assertGreater(by_tool["tlsautopsy"]["rss_mb"], 0)
        text = bench.table(rows)
        self.assertIn("x loop speed", text.splitlines()[0])
        self.assertEqual(len(text.splitlines()), 4)

    def test_tshark_has_a_row_of_one_run_when_installed(self):
        counter = tempfile.NamedTemporaryFile(delete=False)
        counter.close()
        tshark = fake(f"echo run >> {counter.name}")
        tools = bench.tools_for("tlsautopsy", "loop", [1, 2], tshark)
        self.assertEqual([label for label, _, _ in tools],
                         ["tlsautopsy --threads 1", "tlsautopsy --threads 2", "libpcap loop", "tshark (one run)"])
        self.assertEqual(tools[-1][1][0], tshark)
        self.assertEqual(tools[-1][1][-1], "-r")
        capture = tempfile.NamedTemporaryFile(delete=False)
        capture.write(b"x" * 1000)
        capture.close()
        measured = [("libpcap loop", [fake("true")], None), tools[-1]]
        rows, _ = bench.rows_for("small", capture.name, {"packets": 10, "flows": 1}, measured, runs=3)
        self.assertEqual([row["tool"] for row in rows], ["libpcap loop", "tshark (one run)"])
        with open(counter.name) as handle:
            self.assertEqual(handle.read().split(), ["run"])

    def test_no_tshark_row_without_tshark(self):
        labels = [label for label, _, _ in bench.tools_for("tlsautopsy", "loop", [1], None)]
        self.assertEqual(labels, ["tlsautopsy --threads 1", "libpcap loop"])

    def test_stage_rows_stop_one_thread_after_each_stage(self):
        tools = bench.tools_for("tlsautopsy", "loop", [1, 2], None, bench.STAGES)
        self.assertEqual([label for label, _, _ in tools],
                         ["tlsautopsy --threads 1", "tlsautopsy --threads 2", "tlsautopsy --stop-after read",
                          "tlsautopsy --stop-after decode", "tlsautopsy --stop-after flows", "libpcap loop"])
        for label, command, runs in tools[2:5]:
            self.assertIsNone(runs)
            self.assertEqual(command[command.index("--threads") + 1], "1")
            self.assertEqual(command[-1], label.split()[-1])
            self.assertEqual(command[-2], "--stop-after")

    def test_unknown_stages_are_refused(self):
        script = str(_SCRIPT)
        result = subprocess.run([sys.executable, script, "--stages", "read,parse", "--captures", "small"],
                                capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("unknown stage parse (known: read, decode, flows)", result.stderr)

    def test_the_phase_run_gives_the_medians_of_each_phase(self):
        capture = tempfile.NamedTemporaryFile(delete=False)
        capture.write(b"x" * 1000)
        capture.close()
        counter = tempfile.NamedTemporaryFile(delete=False)
        counter.close()
        # Each run prints a line with other seconds: 1.0, then 2.0, then 3.0 times the first.
        phases = fake(
            f"echo run >> {counter.name}; n=$(wc -l < {counter.name}); "
            "echo 'warning: something' >&2; "
            "echo \"phase times, one thread: $((6 * n)).000 s in all; packets $((3 * n)).000 s, judge 0.$n s, "
            "learn 0.25 s, diagnose 0.5 s, patterns 0.75 s, render 1.000 s, emit 0.$((n + 1)) s, "
            "summary 0.05 s\" >&2")
        tools = [("libpcap loop", [fake("true")], None)]
        _, split = bench.rows_for("small", capture.name, {"packets": 10, "flows": 1}, tools, runs=3,
                                  phases=[phases])
        with open(counter.name) as handle:
            self.assertEqual(len(handle.read().split()), 3)
        self.assertEqual(split["capture"], "small")
        self.assertEqual(split["all"], 12.0)
        self.assertEqual(split["packets"], 6.0)
        self.assertEqual(split["judge"], 0.2)
        self.assertEqual(split["emit"], 0.3)
        self.assertEqual(split["render"], 1.0)
        text = bench.phase_table([split])
        self.assertEqual(text.splitlines()[0].split(),
                         ["capture", "packets", "judge", "learn", "diagnose", "patterns", "render", "emit",
                          "summary", "all"])
        self.assertEqual(text.splitlines()[2].split(),
                         ["small", "6.00", "0.20", "0.25", "0.50", "0.75", "1.00", "0.30", "0.05", "12.00"])

    def test_a_phase_line_without_every_phase_is_refused(self):
        with self.assertRaises(RuntimeError) as caught:
            bench.parse_phases("phase times, one thread: 1.000 s in all; packets 0.5 s, judge 0.1 s")
        self.assertIn("without learn, diagnose, patterns, render, emit, summary", str(caught.exception))
        with self.assertRaises(RuntimeError):
            bench.parse_phases("tlsautopsy: something else\n")

    def test_the_phase_run_times_one_thread_of_the_whole_pipeline(self):
        command = bench.phase_command("tlsautopsy")
        self.assertEqual(command[command.index("--threads") + 1], "1")
        self.assertIn("--phase-times", command)
        self.assertNotIn("--stop-after", command)

    def test_a_failing_tool_stops_the_bench(self):
        with self.assertRaises(RuntimeError):
            bench.measure([fake("echo broken >&2; exit 3")])

    def test_a_failing_tshark_says_how_to_leave_it_out(self):
        tshark = fake("echo 'tshark: cannot read' >&2; exit 2")
        with self.assertRaises(RuntimeError) as caught:
            bench.measure([tshark, "-r", "capture.pcap"])
        message = bench.failure_message(caught.exception, tshark)
        self.assertIn("exited with 2: tshark: cannot read", message)
        self.assertTrue(message.endswith("(BENCH_ARGS=--no-tshark leaves tshark out)"))
        other = bench.failure_message(RuntimeError("/bin/tlsautopsy exited with 1: no"), tshark)
        self.assertEqual(other, "bench: /bin/tlsautopsy exited with 1: no")

    def test_captures_are_generated_with_their_arguments_once(self):
        shared = Path(tempfile.mkdtemp())
        (shared / "bench").mkdir()
        calls = shared / "calls"
        # A stand-in generator: notes its arguments, writes a capture and the summary of them.
        (shared / "bench" / "make-bench-pcap.py").write_text(
            "import json, sys\n"
            f"open({str(calls)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
            "argv = sys.argv[1:]\n"
            "value = lambda flag: argv[argv.index(flag) + 1]\n"
            "open(value('--out'), 'wb').write(b'pcap')\n"
            "args = {'flows': int(value('--flows')), 'app_bytes_per_flow': int(value('--app-bytes-per-flow')),\n"
            "        'seed': int(value('--seed')), 'concurrency': int(value('--concurrency'))\n"
            "        if '--concurrency' in argv else 1000}\n"
            "json.dump({'args': args, 'bytes': 4}, open(value('--summary-json'), 'w'))\n")
        directory = str(shared / "out")
        path, summary = bench.generate("open1", str(shared), directory)
        self.assertEqual(summary["args"]["concurrency"], 1)
        bench.generate("open1", str(shared), directory)
        bench.generate("open1000", str(shared), directory)
        made = calls.read_text().splitlines()
        self.assertEqual(len(made), 2)
        self.assertIn("--flows 50000 --app-bytes-per-flow 0 --seed 2 --concurrency 1 --out", made[0])
        self.assertIn("--concurrency 1000 --out", made[1])
        self.assertTrue(path.endswith("open1.pcap"))


if __name__ == "__main__":
    unittest.main()
