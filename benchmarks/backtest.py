"""The honest backtest on shipped data: bayes_beta against rolling OLS, expanding OLS and the
classical MLE filter, one-step forecasts with no look-ahead.

    python benchmarks/backtest.py [--draws 500] [--chains 2]   -> results/backtest.json, BACKTEST.md

Series: the example (weekly Util on Mkt-RF and d10y, 1990-2017) and three industries (Util,
Banks, Food on Mkt-RF, SMB, HML, weekly 1990-2017); refit every calendar year from the first
date with 260 weeks of history; the default model (GARCH noise), 2 chains x 500 + 500 per refit.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import bayes_beta as bb

HERE = Path(__file__).resolve().parent
SERIES = {"example Util": ("example", "Util", ["Mkt-RF", "d10y"])}
FF3 = ["Mkt-RF", "SMB", "HML"]


def _data(kind, target):
    if kind == "example":
        return bb.datasets.load_example()
    spec = bb.load_spec(HERE.parent / "models" / "industries_ff3.toml")
    returns, factors = spec.load_universe()
    return factors.join(returns[[target]])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--draws", type=int, default=500)
    p.add_argument("--chains", type=int, default=2)
    args = p.parse_args(argv)
    series = dict(SERIES)
    for fund in ("Util", "Banks", "Food"):
        series[f"industry {fund}"] = ("industries", fund, FF3)
    out, lines = {}, []
    for name, (kind, target, factors) in series.items():
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bt = bb.backtest(_data(kind, target), target, factors, draws=args.draws,
                             tune=args.draws, chains=args.chains, seed=1, progress=True)
        overall = bt.overall
        out[name] = {"seconds": time.perf_counter() - t0,
                     "overall": overall.reset_index().to_dict(orient="records"),
                     "first": str(bt.steps["date"].min().date()),
                     "last": str(bt.steps["date"].max().date())}
        lines += [f"### {name} ({out[name]['first']} .. {out[name]['last']}, "
                  f"{int(overall['steps'].iloc[0])} weeks)", "",
                  "| method | MSE (x1e4) | mean log score | hedging error var (x1e4) | 90% coverage |",
                  "|---|---:|---:|---:|---:|"]
        for method, row in overall.iterrows():
            lines.append(f"| {method} | {row['mse'] * 1e4:.4f} | {row['log_score']:.4f} | "
                         f"{row['hedging_error_var'] * 1e4:.4f} | {row['coverage']:.3f} |")
        lines.append("")
        print(overall, flush=True)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "backtest.json").write_text(json.dumps(out, indent=1, default=float))
    head = ["# Backtest: one-step forecasts with no look-ahead", "",
            f"`python benchmarks/backtest.py --draws {args.draws} --chains {args.chains}`; refit "
            "every calendar year on the data before it; rolling windows of 156 and 260 weeks; "
            "Bayesian: the default model (GARCH), "
            f"{args.chains} chains x {args.draws} + {args.draws} per refit.", ""]
    (HERE / "BACKTEST.md").write_text("\n".join(head + lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
