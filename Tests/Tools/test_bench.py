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

    @staticmethod
    def _row(capture, tool, seconds, ratio=1.0, flows=0.0, rss=20.0):
        return {"capture": capture, "tool": tool, "seconds": seconds, "ratio": ratio, "flows_per_s": flows,
                "rss_mb": rss}

    def test_goals_are_checked_on_the_rows_of_the_run(self):
        row = self._row
        rows = [row("large", "tlsautopsy --threads 1", 0.59, ratio=1.73, rss=40),
                row("large", "tlsautopsy --threads 2", 0.47, ratio=2.19, rss=42),
                row("large", "tlsautopsy --stop-after read", 0.14, ratio=7.4, rss=65),
                row("large", "libpcap loop", 1.03, rss=99),
                row("hs200k", "tlsautopsy --threads 1", 4.66, ratio=0.33, flows=42_941, rss=56),
                row("hs200k", "tlsautopsy --threads 2", 3.72, ratio=0.42, flows=53_741, rss=58),
                row("hs200k", "libpcap loop", 1.55, flows=129_000, rss=16)]
        checks = bench.goals(rows)
        self.assertEqual([met for met, _ in checks], [True, True, False, False, True])
        texts = [text for _, text in checks]
        self.assertIn("1.73 x the loop's speed", texts[0])
        self.assertIn("2 threads: 0.47 s against 0.59 s", texts[1])
        self.assertIn("42,941 flows/s (goal: at least 90,000)", texts[2])
        # Every tlsautopsy row counts for memory (the stopped run's 65 MB fails it), not the loop's.
        self.assertIn("large: the largest peak RSS of its tlsautopsy rows is 65.0 MB", texts[3])
        self.assertIn("hs200k: the largest peak RSS of its tlsautopsy rows is 58.0 MB", texts[4])
        lines = bench.goal_lines(checks)
        self.assertTrue(lines[0].strip().startswith("met "))
        self.assertTrue(lines[2].strip().startswith("NOT MET "))

    def test_goals_meet_their_bounds_and_fail_past_them(self):
        row = self._row
        at_bounds = [row("large", "tlsautopsy --threads 1", 2.0, ratio=0.5, rss=64),
                     row("hs200k", "tlsautopsy --threads 1", 2.0, flows=90_000, rss=64)]
        self.assertEqual([met for met, _ in bench.goals(at_bounds)], [True, True, True, True])
        past = [row("large", "tlsautopsy --threads 1", 2.0, ratio=0.49),
                row("large", "tlsautopsy --threads 4", 2.0, ratio=0.49),
                row("hs200k", "tlsautopsy --threads 1", 2.0, flows=89_999, rss=64.5)]
        checks = bench.goals(past)
        self.assertEqual([met for met, _ in checks], [False, False, False, True, False])
        self.assertIn("4 threads: 2.00 s against 2.00 s with one (goal: faster than one)", checks[1][1])

    def test_goals_whose_rows_were_not_measured_are_left_out(self):
        row = self._row
        self.assertEqual(bench.goals([row("small", "tlsautopsy --threads 1", 0.1, ratio=0.7)]), [])
        # One thread count only: no goal for more threads.
        checks = bench.goals([row("large", "tlsautopsy --threads 1", 0.6, ratio=1.7, rss=40)])
        self.assertEqual(len(checks), 2)
        self.assertTrue(all(met for met, _ in checks))
        self.assertNotIn("threads:", " ".join(text for _, text in checks))

    def test_a_capture_is_read_whole_before_its_runs(self):
        capture = tempfile.NamedTemporaryFile(delete=False)
        capture.write(b"x" * ((3 << 20) + 5))
        capture.close()
        self.assertEqual(bench.warm(capture.name), (3 << 20) + 5)

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
        # What the bench measures is a capture read once before its runs (from the cache here).
        warmed = []
        real_warm = bench.warm
        bench.warm = lambda capture: warmed.append(capture) or real_warm(capture)
        try:
            again, _ = bench.prepared("open1", str(shared), directory)
        finally:
            bench.warm = real_warm
        self.assertEqual(warmed, [path])
        self.assertEqual(again, path)
        self.assertEqual(len(calls.read_text().splitlines()), 2)


if __name__ == "__main__":
    unittest.main()
