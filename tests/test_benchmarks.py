"""The benchmark script runs end to end on a tiny setting (no timings are asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_quick_run_writes_a_table(tmp_path):
    out = tmp_path / "results.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick", "--out", str(out)],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text()
    for needle in ("fused Op (numba)", "scan graph (numba)", "numba forward-only floor",
                   "bayes_beta example", "cost ~ n^"):
        assert needle in text, needle
