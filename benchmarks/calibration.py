"""Simulation-based calibration of the default model (bayes_beta.evaluate.calibrate).

    python benchmarks/calibration.py [--datasets 300] [--out benchmarks/CALIBRATION.md]

Weekly N(0, 1) factor returns (n = 150, K = 2), noise sds drawn from the default priors with
units (1.0, 0.1), beta_0 ~ N(1, 0.25 I); each dataset fitted with 2 chains x 300 draws
(300 tune), ranks among every third draw (L = 200), chi-square over 10 bins.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bayes_beta.evaluate import calibrate

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=300)
    parser.add_argument("--out", default=str(HERE / "CALIBRATION.md"))
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    idx = pd.date_range("2000-01-07", periods=150, freq="W-FRI")
    factors = pd.DataFrame(rng.normal(size=(150, 2)), index=idx, columns=["f0", "f1"])
    start = time.perf_counter()
    cal = calibrate(factors, datasets=args.datasets, seed=7)
    seconds = time.perf_counter() - start
    lines = [f"Simulation-based calibration: {args.datasets} datasets, n = 150, K = 2, "
             f"2 chains x 300 draws, ranks among L = {cal.n_draws} draws ({seconds:.0f} s).", "",
             "| quantity | chi-square (9 df) | p-value |", "|---|---|---|"]
    lines += [f"| {q} | {r.chi2:.1f} | {r.p_value:.3f} |" for q, r in cal.uniformity.iterrows()]
    lines += ["", "| band | coverage of the true paths | standard error |", "|---|---|---|"]
    lines += [f"| {p:.0%} | {r.coverage:.3f} | {r.se:.3f} |" for p, r in cal.coverage.iterrows()]
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
