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
    for needle in ("fused Op, PyMC function (numba)", "fused Op, nutpie's compiled function",
                   "numba forward-only floor",
                   "bayes_beta example", "cost ~ n^"):
        assert needle in text, needle


def test_report_shows_compile_timings():
    """The full run's compile-once table: first-ever, fresh-process and warm fits."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    fit = {"cold_s": 9.0, "warm_s": 4.0, "min_ess_bulk": 1000.0, "ess_per_s": 250.0,
           "divergences": 0, "propagate_s": 0.5}
    bb_res = {
        "logp": {"numba forward-only floor": {"us": 10.0, "first_call_s": 0.0}},
        "fit_example": fit,
        "scaling": {"100,2": 5.0, "400,2": 20.0},
        "compile": {"first_ever": {"fit_s": 61.5, "import_s": 3.0, "process_s": 70.2},
                    "fresh_process": {"error": "boom"}},
    }
    text = bench.report(bb_res, None, quick=False)
    assert "| first ever (empty pytensor and numba caches) | 61.5 | 3.0 | 70.2 |" in text
    assert "| fresh process (caches filled) | failed: boom | | |" in text
    assert "| in-process, warm | 4.0 | | |" in text
    assert "K = 2: cost ~ n^1.00" in text
