"""Many funds: propagation cost and Monte Carlo error, the 47 industries, a simulated universe.

    python benchmarks/many.py propagation [--quick]           -> benchmarks/results/propagation.json
    python benchmarks/many.py industries --mode many|loop [--funds N] [--workers 2]
                                                              -> benchmarks/results/industries_<mode>.json
    python benchmarks/many.py universe [--funds 1000] [--workers 2]
                                                              -> benchmarks/results/universe.json
    python benchmarks/many.py report                          -> benchmarks/MANY.md

``propagation``: three industries (Util, Banks, Food on Mkt-RF, SMB, HML, weekly 1990-2017, the
default model, 4 chains x 1,000 + 1,000): NUTS time against the time to turn the posterior into
the fit's tree (propagation, log-likelihood, log-prior), with the default ~1,000 path draws and
with all 4,000; and the 90% and 50% band edges of the two, their difference in units of its
Monte Carlo standard error (the 1,000 draws are a subset of the 4,000, so the difference has
variance ``se_1000^2 - se_4000^2``, with ``se_N = sqrt(q (1 - q) / N) / f(x_q)`` and the density
``f`` of a normal with the draws' sd).

``industries``: ``models/industries_ff3.toml`` (47 industries, 1,461 weeks, K = 3, 4 x 1,000 +
1,000, GARCH observation noise): ``--mode many`` runs ``bb.fit_many`` on a local cluster of
``--workers`` processes into a fresh store; ``--mode loop`` runs ``bb.fit`` fund after fund in
this process (plus the same per-fund summary, not saved). Wall time, seconds per fund, minimum
bulk ESS, peak memory, disk per fund.

``universe``: ``--funds`` simulated funds (n = 260 weeks, K = 3 factors, random-walk exposures
with known drift, constant noise), 2 chains x 500 + 500, ``fit_many(keep="summary")`` on
``--workers`` local workers: funds per minute, peak memory per worker, disk per fund.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import bayes_beta as bb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
SCRATCH = Path(os.environ.get("BAYES_BETA_BENCH_DIR", "/tmp/bayes_beta_bench"))
FACTORS = ["Mkt-RF", "SMB", "HML"]


def _save(name: str, data: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1, default=float))
    print(json.dumps(data, indent=1, default=float))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------- propagation
def _edge_z(all_draws: np.ndarray, sub: np.ndarray, prob: float) -> np.ndarray:
    """(edge_sub - edge_all) / its MC standard error, for both edges at every (time, factor)."""
    out = []
    sd = all_draws.std(0)
    for q in ((1 - prob) / 2, (1 + prob) / 2):
        a, b = np.quantile(all_draws, q, axis=0), np.quantile(sub, q, axis=0)
        dens = stats.norm.pdf(stats.norm.ppf(q)) / sd
        var = q * (1 - q) * (1 / len(sub) - 1 / len(all_draws)) / dens**2
        out.append((b - a) / np.sqrt(var))
    return np.concatenate([o.ravel() for o in out])


def propagation(quick: bool) -> None:
    from bayes_beta.bayesian import sampling
    from bayes_beta.bayesian.model import Setup, model_from_design
    from bayes_beta.bayesian.tree import assemble_tree
    from bayes_beta.specs.priors import get_variant

    spec = bb.load_spec(ROOT / "models" / "industries_ff3.toml")
    draws = 300 if quick else 1000
    rows = []
    for name in ("Util", "Banks", "Food"):
        df = spec.with_(target=name, targets=()).load_data()
        design = bb.make_design(df, name, FACTORS)
        options, variant = bb.ModelOptions(), get_variant("default")
        model = model_from_design(design, variant, options)
        extra = (repr(variant), repr(options), design.initial, design.intercept)
        sampling.run(model, draws=50, tune=50, chains=4, seed=0, progress=False, extra=extra)
        t0 = time.perf_counter()
        groups = sampling.run(model, draws=draws, tune=draws, chains=4, seed=1, progress=False,
                              extra=extra)
        t_sample = time.perf_counter() - t0
        setup = Setup(design, variant, options)
        assemble_tree(groups, setup, model, seed=1)  # warm
        t0 = time.perf_counter()
        auto = assemble_tree(groups, setup, model, seed=1)
        t_auto = time.perf_counter() - t0
        t0 = time.perf_counter()
        full = assemble_tree(groups, setup, model, seed=1, path_draws="all")
        t_all = time.perf_counter() - t0
        pa = auto["exposures"]["path"].stack(s=("chain", "draw")).transpose("s", ...).values
        pf = full["exposures"]["path"].stack(s=("chain", "draw")).transpose("s", ...).values
        z = {p: _edge_z(pf, pa, p) for p in (0.9, 0.5)}
        rows.append({"fund": name, "sample_s": t_sample, "tree_auto_s": t_auto,
                     "tree_all_s": t_all, "path_draws_auto": pa.shape[0],
                     "path_draws_all": pf.shape[0],
                     **{f"z_abs_lt2_{p}": float(np.mean(np.abs(v) < 2)) for p, v in z.items()},
                     **{f"z_sd_{p}": float(v.std()) for p, v in z.items()},
                     "width90_auto": float(np.mean(np.quantile(pa, 0.95, 0) - np.quantile(pa, 0.05, 0))),
                     "width90_all": float(np.mean(np.quantile(pf, 0.95, 0) - np.quantile(pf, 0.05, 0)))})
        print(rows[-1], flush=True)
    _save("propagation", {"draws": draws, "rows": rows})


# ---------------------------------------------------------------------- industries
def industries(mode: str, funds: int | None, workers: int) -> None:
    spec = bb.load_spec(ROOT / "models" / "industries_ff3.toml")
    returns, factors = spec.load_universe()
    if funds:
        returns = returns.iloc[:, :funds]
    s = spec.sampling
    kw = {"draws": s.draws, "tune": s.tune, "chains": s.chains}
    t0 = time.perf_counter()
    if mode == "many":
        store = SCRATCH / "industries_store"
        shutil.rmtree(store, ignore_errors=True)
        fs = bb.fit_many(returns, factors, store=store, workers=workers, seed=s.seed,
                         progress=True, **kw)
        wall = time.perf_counter() - t0
        index = pd.read_csv(store / "index.csv", index_col="fund")
        data = fs.data
        out = {"mode": "many", "workers": workers, "funds": len(fs), "failed": len(fs.failed),
               "wall_s": wall, "per_fund_worker_s_median": float(data["seconds"].median()),
               "compiles": int(index["compiled"].sum()),
               "min_ess_bulk": float(data["ess_bulk_min"].min()),
               "median_min_ess_bulk": float(data["ess_bulk_min"].median()),
               "divergences": int(data["divergences"].sum()),
               "funds_with_warnings": int((data["n_problems"] > 0).sum()),
               "peak_worker_mb": float(index["worker_peak_mb"].max()),
               "worker_mb_max": float(index["worker_rss_mb"].max()),
               "fit_mb_median": float(index["fit_mb"].median()),
               "store_mb": sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 1e6}
    else:
        from bayes_beta.bayesian.fitset import fund_summary

        per, ess, div, warn = [], [], 0, 0
        for fund in returns.columns:
            t1 = time.perf_counter()
            frame = factors.join(returns[[fund]]).dropna(subset=[fund])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = bb.fit(frame, fund, FACTORS, seed=bb.fund_seed(s.seed, fund),
                             progress=False, **kw)
            row = fund_summary(fit)
            per.append(time.perf_counter() - t1)
            ess.append(float(row["ess_bulk_min"]))
            div += int(row["divergences"])
            warn += bool(fit.problems)
            del fit
            print(f"{fund}: {per[-1]:.1f} s", flush=True)
        wall = time.perf_counter() - t0
        out = {"mode": "loop", "funds": returns.shape[1], "wall_s": wall,
               "first_fund_s": per[0], "per_fund_s_median": float(np.median(per[1:])),
               "min_ess_bulk": min(ess), "median_min_ess_bulk": float(np.median(ess)),
               "divergences": div, "funds_with_warnings": warn, "peak_mb": _peak_mb()}
    _save(f"industries_{mode}", out)


# ---------------------------------------------------------------------- simulated universe
def simulated(funds: int, n: int = 260, K: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2012-01-06", periods=n, freq="W-FRI")
    H = rng.normal(0.0, 0.02, (n, K))
    drift = rng.uniform(0.005, 0.03, (funds, K))  # per-week sd of each exposure
    beta = rng.normal([1.0, 0.2, 0.1], 0.3, (funds, K))[:, None, :] + np.cumsum(
        rng.normal(size=(funds, n, K)) * drift[:, None, :], axis=1)
    y = np.einsum("tk,ftk->tf", H, beta) + rng.normal(0, 0.01, (n, funds))
    returns = pd.DataFrame(y, index=idx, columns=[f"sim{i:04d}" for i in range(funds)])
    return returns, pd.DataFrame(H, index=idx, columns=FACTORS)


def universe(funds: int, workers: int) -> None:
    returns, factors = simulated(funds)
    store = SCRATCH / "universe_store"
    shutil.rmtree(store, ignore_errors=True)
    t0 = time.perf_counter()
    fs = bb.fit_many(returns, factors, store=store, workers=workers, seed=1, keep="summary",
                     draws=500, tune=500, chains=2, volatility="constant", progress=True)
    wall = time.perf_counter() - t0
    t1 = time.perf_counter()
    bb.open_store(store)
    open_s = time.perf_counter() - t1
    index = pd.read_csv(store / "index.csv", index_col="fund")
    data = fs.data
    size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
    _save("universe", {
        "funds": funds, "workers": workers, "n": 260, "K": 3, "failed": len(fs.failed),
        "wall_s": wall, "funds_per_minute": 60 * funds / wall,
        "per_fund_worker_s_median": float(index["seconds"].median()),
        "compiles": int(index["compiled"].sum()),
        "peak_worker_mb": float(index["worker_peak_mb"].max()),
        "worker_mb_first_last": [float(index["worker_rss_mb"].iloc[:20].median()),
                                 float(index["worker_rss_mb"].iloc[-20:].median())],
        "worker_mb_max": float(index["worker_rss_mb"].max()),
        "open_store_s": open_s,
        "store_gb": size / 1e9, "disk_per_fund_mb": size / funds / 1e6,
        "min_ess_bulk": float(data["ess_bulk_min"].min()),
        "funds_with_warnings": int((data["n_problems"] > 0).sum()),
        "divergences": int(data["divergences"].sum())})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("propagation")
    p.add_argument("--quick", action="store_true")
    p = sub.add_parser("industries")
    p.add_argument("--mode", choices=("many", "loop"), required=True)
    p.add_argument("--funds", type=int)
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("universe")
    p.add_argument("--funds", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    sub.add_parser("report")
    args = parser.parse_args(argv)
    if args.what == "propagation":
        propagation(args.quick)
    elif args.what == "industries":
        industries(args.mode, args.funds, args.workers)
    elif args.what == "universe":
        universe(args.funds, args.workers)
    else:
        sys.path.insert(0, str(HERE))
        from many_report import write_report

        write_report(RESULTS, HERE / "MANY.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
