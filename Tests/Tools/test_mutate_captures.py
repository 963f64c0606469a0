"""Unit tests for mutate-captures.py (run: python3 -m unittest discover -s Tests/Tools -p 'test_*.py')."""

import importlib.util
import random
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_binary import fake_binary  # noqa: E402

_SCRIPT = Path(__file__).resolve().parent / "mutate-captures.py"
_SPEC = importlib.util.spec_from_file_location("mutate_captures", _SCRIPT)
mc = importlib.util.module_from_spec(_SPEC)
sys.modules["mutate_captures"] = mc
_SPEC.loader.exec_module(mc)

SUMMARY = '{"type": "summary", "packets": 0}'


class MutateTests(unittest.TestCase):
    def test_mutants_are_reproducible_and_differ_from_the_source(self):
        source = bytes(range(256)) * 64
        self.assertEqual(mc.mutate(source, random.Random(5)), mc.mutate(source, random.Random(5)))
        rng = random.Random(9)
        families = set()
        for _ in range(200):
            mutant, what = mc.mutate(source, rng)
            families.add(what.split(":")[0])
            if not what.startswith("truncate: at 0 "):
                self.assertNotEqual(mutant, source, what)
        self.assertEqual(families, {"bitflips", "bytes", "truncate", "lengths", "splice", "zero-run"})


class RunOneTests(unittest.TestCase):
    """A fake binary stands in for tlsautopsy, one verdict each."""

    def fake(self, body):
        return fake_binary(body)

    def test_verdicts(self):
        cases = {
            "analyzed": f"echo '{SUMMARY}'",
            "crash": "kill -SEGV $$",
            "hang": "sleep 5",
            "bad-output": "echo '{not json'",
            "refused": "echo 'not a capture' >&2; exit 1",
        }
        for verdict, body in cases.items():
            with self.subTest(verdict=verdict):
                self.assertEqual(mc.run_one(self.fake(body), "/dev/null", timeout=1)[0], verdict)

    def test_output_without_a_summary_is_bad(self):
        self.assertEqual(mc.run_one(self.fake("echo '{\"type\": \"flow\"}'"), "/dev/null", 5)[0], "bad-output")


if __name__ == "__main__":
    unittest.main()
