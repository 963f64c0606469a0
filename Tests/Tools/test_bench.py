"""Unit tests for bench.py (run: python3 -m unittest discover -s Tests/Tools -p 'test_*.py')."""

import importlib.util
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
        tools = [("tlsautopsy", [fake("sleep 0.2")]), ("libpcap loop", [fake("sleep 0.1")])]
        rows = bench.rows_for("small", capture.name, {"packets": 1000, "flows": 10}, tools, runs=3)
        by_tool = {row["tool"]: row for row in rows}
        self.assertAlmostEqual(by_tool["tlsautopsy"]["seconds"], 0.2, delta=0.08)
        self.assertAlmostEqual(by_tool["libpcap loop"]["ratio"], 1.0)
        self.assertLess(by_tool["tlsautopsy"]["ratio"], 0.8)
        self.assertAlmostEqual(by_tool["tlsautopsy"]["mb_per_s"], 2.0 / by_tool["tlsautopsy"]["seconds"])
        self.assertGreater(by_tool["tlsautopsy"]["rss_mb"], 0)
        text = bench.table(rows)
        self.assertIn("x loop speed", text.splitlines()[0])
        self.assertEqual(len(text.splitlines()), 4)

    def test_a_failing_tool_stops_the_bench(self):
        with self.assertRaises(RuntimeError):
            bench.measure([fake("echo broken >&2; exit 3")])


if __name__ == "__main__":
    unittest.main()
