"""Partial pooling on the 47 industries: speed of the joint fit, evidence against independent fits.

    python benchmarks/pooling.py scaling                -> results/pooling_scaling.json
    python benchmarks/pooling.py fit [--short]          -> results/pooling_fit[_short].json
    python benchmarks/pooling.py independent --short    -> results/pooling_independent_short.json
    python benchmarks/pooling.py evidence               -> results/pooling_evidence.json
    python benchmarks/pooling.py report                 -> benchmarks/POOLING.md

``scaling``: seconds per log-density-and-gradient evaluation of the batched Op (numba, what
nutpie calls) for F = 1 ... 47 industries (1,461 weeks, K = 3, GARCH), the per-fund Op called F
times for reference, and the exponent of a log-log fit of cost against F.

``fit``: ``bb.fit_many(..., pooling="partial")`` of ``models/industries_ff3.toml`` (4 chains x
1,000 + 1,000): compile, sampling and propagation time, divergences, leapfrog steps, minimum ESS.
``--short``: the same universe with 10 funds (every fifth column from the first) cut to their
last 104 weeks. ``independent --short``: ``bb.fit_many`` of those 10 short funds one by one
(the other 37 independent fits are those of ``benchmarks/many.py industries --mode many``).

``evidence``: :func:`bayes_beta.evaluate.pooling.compare_pooling` on both universes; for the short
funds, the agreement of their 2-year fits with the full-history independent fits over the same
2 years (the full history as the reference).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import bayes_beta as bb
from bayes_beta.bayesian.pooled import read_joint

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
SCRATCH = Path(os.environ.get("BAYES_BETA_BENCH_DIR", "/tmp/bayes_beta_bench"))
SHORT_WEEKS = 104
STORES = {"pooled": SCRATCH / "pooled_store", "pooled_short": SCRATCH / "pooled_short_store",
          "independent": SCRATCH / "industries_store",
          "independent_short": SCRATCH / "independent_short_store"}


def _save(name: str, data: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1, default=float))
    print(json.dumps(data, indent=1, default=float))


def _universe(short: bool):
    spec = bb.load_spec(ROOT / "models" / "industries_ff3.toml")
    returns, factors = spec.load_universe()
    cut = list(returns.columns[::5])[:10] if short else []
    if short:
        returns = returns.copy()
        returns.iloc[:-SHORT_WEEKS, [returns.columns.get_loc(c) for c in cut]] = np.nan
    return returns, factors, spec, cut


# ---------------------------------------------------------------------- cost per evaluation
def scaling() -> None:
    import pytensor
    import pytensor.tensor as pt

    from bayes_beta.bayesian.panel import make_panel, panel_model
    from bayes_beta.specs.options import ModelOptions
    from bayes_beta.specs.priors import get_variant

    returns, factors, _, _ = _universe(False)
    rows = []
    for F in (1, 2, 4, 8, 16, 32, 47):
        panel = make_panel(returns.iloc[:, :F], factors)
        model = panel_model(panel, get_variant("default"), ModelOptions())
        logp = model.logp()
        grads = pt.grad(logp, model.value_vars)
        fn = pytensor.function(model.value_vars, [logp, *grads], mode="NUMBA",
                               trust_input=True)
        point = [np.asarray(model.initial_point()[v.name]) for v in model.value_vars]
        fn(*point)
        reps = max(20, 400 // F)
        t0 = time.perf_counter()
        for _ in range(reps):
            fn(*point)
        rows.append({"funds": F, "ms_per_eval": (time.perf_counter() - t0) / reps * 1e3})
        print(rows[-1], flush=True)
    F = np.log([r["funds"] for r in rows])
    t = np.log([r["ms_per_eval"] for r in rows])
    slope, _ = np.polyfit(F[2:], t[2:], 1)  # F >= 4: the fixed overhead of a call aside
    _save("pooling_scaling", {"rows": rows, "exponent_F_ge_4": float(slope),
                              "ms_per_fund_at_47": rows[-1]["ms_per_eval"] / 47})


# ---------------------------------------------------------------------- fits
def fit(short: bool) -> None:
    returns, factors, spec, cut = _universe(short)
    s = spec.sampling
    store = STORES["pooled_short" if short else "pooled"]
    shutil.rmtree(store, ignore_errors=True)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fs = bb.fit_many(returns, factors, store=store, pooling="partial", seed=s.seed,
                         draws=s.draws, tune=s.tune, chains=s.chains, progress=True)
    wall = time.perf_counter() - t0
    joint = read_joint(store)
    stats = joint["sample_stats"].to_dataset()
    pop = fs.population()
    index = pd.read_csv(store / "index.csv", index_col="fund")
    _save("pooling_fit_short" if short else "pooling_fit", {
        "funds": len(fs), "short_funds": cut, "wall_s": wall,
        "sampling_s": float(joint.attrs["sampling_seconds"]),
        "propagation_s": float(index["seconds"].sum()),
        "divergences": int(stats["diverging"].sum()),
        "mean_leapfrog_steps": float(stats["n_steps"].mean()),
        "step_size": float(stats["step_size"].mean()),
        "min_ess_bulk_funds": float(fs.data["ess_bulk_min"].min()),
        "population": pop.reset_index().to_dict(orient="records"),
        "funds_with_warnings": int((fs.data["n_problems"] > 0).sum())})


def independent_short() -> None:
    returns, factors, spec, cut = _universe(True)
    s = spec.sampling
    store = STORES["independent_short"]
    shutil.rmtree(store, ignore_errors=True)
    t0 = time.perf_counter()
    fs = bb.fit_many(returns[cut], factors, store=store, seed=s.seed, draws=s.draws,
                     tune=s.tune, chains=s.chains, workers=2, progress=True)
    _save("pooling_independent_short", {"funds": len(fs), "wall_s": time.perf_counter() - t0})


# ---------------------------------------------------------------------- evidence
def evidence() -> None:
    from bayes_beta.evaluate.pooling import compare_pooling

    _, _, _, cut = _universe(True)
    full_ind = bb.open_store(STORES["independent"])
    out = {}
    full = compare_pooling(bb.open_store(STORES["pooled"]), full_ind)
    out["full"] = _summary(full)
    out["full_table"] = full.reset_index().to_dict(orient="records")
    short_pooled = bb.open_store(STORES["pooled_short"])
    short_ind = bb.open_store(STORES["independent_short"])
    short = compare_pooling(short_pooled, short_ind)  # the 10 short funds
    out["short"] = _summary(short)
    out["short_table"] = short.reset_index().to_dict(orient="records")
    out["short_reference"] = _against_full_history(short_pooled, short_ind, full_ind, cut)
    _save("pooling_evidence", out)


def _summary(table: pd.DataFrame) -> dict:
    factors = [c[len("width_ratio["):-1] for c in table.columns if c.startswith("width_ratio[")]
    d = table["elpd_diff"]
    return {"funds": len(table), "elpd_diff_sum": float(d.sum()),
            "se_diff_sum": float(np.sqrt((table["se_diff"] ** 2).sum())),
            "funds_better": int((d > 0).sum()), "funds_worse": int((d < 0).sum()),
            "funds_better_2se": int((d > 2 * table["se_diff"]).sum()),
            "funds_worse_2se": int((d < -2 * table["se_diff"]).sum()),
            "pareto_k_max": float(table["pareto_k_max"].max()),
            "width_ratio_median": {k: float(table[f"width_ratio[{k}]"].median())
                                   for k in factors},
            "largest_drift_shift": {
                k: table[f"drift_shift[{k}]"].abs().sort_values(ascending=False).head(3)
                .round(3).to_dict() for k in factors}}


def _against_full_history(pooled, independent, full, cut) -> dict:
    """Over the short funds' last 2 years: the mean absolute gap between their smoothed means
    and the full-history fit's, and how often the full-history mean lies in their 90% band."""
    rows = {}
    for name, fs in (("pooled", pooled), ("independent", independent)):
        b, ref = fs.bands(0.9), full.bands(0.9)
        gaps, inside = [], []
        for fund in cut:
            t = fs.data["time"].values[-SHORT_WEEKS:]
            m = ref["mean"].sel(fund=fund, time=t)
            lo, hi = (b[x].sel(fund=fund, time=t) for x in ("lower", "upper"))
            gaps.append(float(abs(b["mean"].sel(fund=fund, time=t) - m).mean()))
            inside.append(float(((lo <= m) & (m <= hi)).mean()))
        rows[name] = {"mean_abs_gap_to_full_history": float(np.mean(gaps)),
                      "full_history_mean_inside_90": float(np.mean(inside)),
                      "mean_width_90": float((b["upper"] - b["lower"]).sel(fund=cut).isel(
                          time=slice(-SHORT_WEEKS, None)).mean())}
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("scaling")
    p = sub.add_parser("fit")
    p.add_argument("--short", action="store_true")
    p = sub.add_parser("independent")
    p.add_argument("--short", action="store_true", required=True)
    sub.add_parser("evidence")
    sub.add_parser("report")
    args = parser.parse_args(argv)
    if args.what == "scaling":
        scaling()
    elif args.what == "fit":
        fit(args.short)
    elif args.what == "independent":
        independent_short()
    elif args.what == "evidence":
        evidence()
    else:
        sys.path.insert(0, str(HERE))
        from pooling_report import write_report

        write_report(RESULTS, HERE / "POOLING.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
