"""Benchmarks: bayes_beta against its own reference graphs, a numba floor and pymc-extras.

    python benchmarks/bench.py [--quick] [--peer-python PATH] [--out benchmarks/RESULTS.md]

Each tool runs in its own process (``--worker NAME``), on the same data (the last 516 weeks of
``bayes_beta.datasets.load_example()``, and simulated K = 5, n = 2,000 and K = 10, n = 10,000),
the same priors and the same initial state. pymc-extras pins pymc < 6.4, so it runs from another
environment given by ``--peer-python`` (e.g. a venv with ``pip install pymc-extras -e .``).
Results are written as a Markdown table; ratios are taken within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
#: the constant-variance model: the one the peers fit (moving volatility: volatility.py)
VOL = "constant"


# ------------------------------------------------------------------ data and timing helpers
def example_data(n: int):
    import bayes_beta as bb

    df = bb.datasets.load_example().iloc[-n:]
    return df, "Util", ["Mkt-RF", "d10y"]


def simulated_data(n: int, K: int, seed: int = 0):
    import pandas as pd

    import bayes_beta as bb

    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, K)) * 0.02
    spec = bb.StateSpace.random_walk(
        Q=np.eye(K) * 0.01**2, R=[[0.01**2]], b0=np.ones(K), P0=np.eye(K) * 0.1
    )
    sim = bb.simulate(spec, H, seed=seed)
    cols = [f"f{k}" for k in range(K)]
    df = pd.DataFrame(H, columns=cols, index=pd.date_range("1980-01-04", periods=n, freq="W-FRI"))
    df.insert(0, "y", sim.y)
    return df, "y", cols


def per_call(fn, *args, min_time: float = 0.5) -> float:
    """Median seconds per call over 5 batches of at least ``min_time`` / 5 s each."""
    fn(*args)
    reps, t0 = 1, time.perf_counter()
    while time.perf_counter() - t0 < 0.05:
        fn(*args)
        reps += 1
    reps = max(1, int(reps * min_time / 5 / max(time.perf_counter() - t0, 1e-9)))
    out = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            fn(*args)
        out.append((time.perf_counter() - t) / reps)
    return float(np.median(out))


# ------------------------------------------------------------------ bayes_beta worker
def _logp_dlogp(model, mode):
    import pymc as pm  # noqa: F401

    f = model.logp_dlogp_function(mode=mode, ravel_inputs=True)
    f.set_extra_values({})
    x = np.concatenate([np.ravel(v) for v in model.initial_point().values()])
    return f, x


def nutpie_per_call(model) -> tuple[float, float, float]:
    """Seconds per log-density-and-gradient call of the function nutpie samples with (the
    compiled C callback, called through ctypes), the seconds nutpie took to compile it, and
    the ctypes overhead (an empty callback of the same signature), all from this process."""
    import ctypes

    import nutpie
    from numba import cfunc, types

    t = time.perf_counter()
    compiled = nutpie.compile_pymc_model(model)
    compile_s = time.perf_counter() - t
    x = np.concatenate([np.ravel(v) for v in model.initial_point().values()]).astype(float)
    grad, logp = np.zeros_like(x), np.zeros(())
    ptr = ctypes.POINTER(ctypes.c_double)
    args = (len(x), x.ctypes.data_as(ptr), grad.ctypes.data_as(ptr), logp.ctypes.data_as(ptr),
            compiled.user_data.ctypes.data_as(ctypes.c_void_p))
    fn = compiled.compiled_logp_func.ctypes
    if fn(*args) != 0 or not np.isfinite(logp):
        raise RuntimeError("nutpie's log-density failed at the initial point")

    sig = types.int64(types.uint64, types.CPointer(types.double), types.CPointer(types.double),
                      types.CPointer(types.double), types.voidptr)

    @cfunc(sig)
    def empty(n, x, g, lp, data):
        return 0

    return per_call(fn, *args), compile_s, per_call(empty.ctypes, *args)


def _numba_floor():
    from numba import njit

    @njit(cache=True, error_model="numpy")
    def floor(y, H, q, r, b0, P0):
        """Forward-only random-walk filter, no Joseph form: the arithmetic lower bound."""
        n, K = H.shape
        b, P, ll, Ph = b0.copy(), P0.copy(), 0.0, np.empty(K)
        for t in range(n):
            for i in range(K):
                P[i, i] += q[i]
            S, v = r, y[t]
            for i in range(K):
                s = 0.0
                for j in range(K):
                    s += P[i, j] * H[t, j]
                Ph[i] = s
                S += H[t, i] * s
                v -= H[t, i] * b[i]
            for i in range(K):
                b[i] += Ph[i] * v / S
                for j in range(K):
                    P[i, j] -= Ph[i] * Ph[j] / S
            ll += -0.5 * (1.8378770664093453 + np.log(S) + v * v / S)
        return ll

    return floor


def bench_logp(df, target, factors, quick: bool = False) -> dict:
    import bayes_beta as bb
    from bayes_beta.data import make_design

    out = {}
    rows = [("fused Op, PyMC function (numba)", "fused", "NUMBA"),
            ("scan graph, PyMC function (numba)", "scan", "NUMBA"),
            ("scan graph, PyMC function (C)", "scan", "CVM")]
    for name, likelihood, mode in rows[:1] if quick else rows:  # scan graphs compile slowly
        model = bb.build_model(df, target, factors, likelihood=likelihood, volatility=VOL)
        t = time.perf_counter()
        f, x = _logp_dlogp(model, mode)
        f(x)
        out[name] = {"us": per_call(f, x) * 1e6, "first_call_s": time.perf_counter() - t}
    model = bb.build_model(df, target, factors, volatility=VOL)
    sec, compile_s, overhead = nutpie_per_call(model)
    out["fused Op, nutpie's compiled function"] = {"us": sec * 1e6, "first_call_s": compile_s}
    out["ctypes call overhead (included above)"] = {"us": overhead * 1e6, "first_call_s": 0.0}
    d = make_design(df, target, factors)
    floor = _numba_floor()
    args = (d.y, np.ascontiguousarray(d.H), np.full(d.K, 1e-4), 1e-4, d.b0, d.P0)
    out["numba forward-only floor"] = {"us": per_call(floor, *args) * 1e6, "first_call_s": 0.0}
    return out


def bench_fit(df, target, factors, draws, tune, chains) -> dict:
    import arviz as az

    import bayes_beta as bb

    res = {}
    for label in ("cold", "warm"):
        t = time.perf_counter()
        fit = bb.fit(
            df,
            target,
            factors,
            draws=draws,
            tune=tune,
            chains=chains,
            seed=1,
            progress=False,
            check=False,
            volatility=VOL,
        )
        res[label] = time.perf_counter() - t
    ess = az.ess(fit.tree, var_names=fit.noise_vars)
    min_ess = float(min(float(ess[v].min()) for v in fit.noise_vars))
    div = int(fit.tree["sample_stats"]["diverging"].sum())
    # propagation alone: all draws through filter, smoother and a path draw
    from bayes_beta.bayesian.propagate import exposures, stack_draws

    post = fit.tree["posterior"].to_dataset()
    kept = post.sel(draw=fit.tree["exposures"]["draw"].values)  # the draws fit() propagated
    stacked = stack_draws(kept)
    t = time.perf_counter()
    exposures(stacked, fit.design, fit.options, seed=0)
    prop = time.perf_counter() - t
    return {
        "cold_s": res["cold"],
        "warm_s": res["warm"],
        "min_ess_bulk": min_ess,
        "ess_per_s": min_ess / res["warm"],
        "divergences": div,
        "propagate_s": prop,
        "propagated_draws": int(stacked.sizes["sample"]),
        "draws": draws * chains,
        "n": len(df),
    }


def bench_scaling(ns, Ks) -> dict:
    import bayes_beta as bb

    out = {}
    for K in Ks:
        for n in ns:
            df, target, factors = simulated_data(n, K)
            model = bb.build_model(df, target, factors, volatility=VOL)
            out[f"{n},{K}"] = nutpie_per_call(model)[0] * 1e6
    return out


def worker_bayes_beta(quick: bool) -> dict:
    n = 100 if quick else 516
    df, target, factors = example_data(n)
    draws, tune, chains = (50, 50, 2) if quick else (1000, 1000, 4)
    result = {
        "logp": bench_logp(df, target, factors, quick),
        "fit_example": bench_fit(df, target, factors, draws, tune, chains),
    }
    sims = [(200, 2)] if quick else [(2000, 5), (10000, 10)]
    if os.environ.get("BENCH_SIMS"):  # e.g. "2000x5" to run a subset
        sims = [tuple(int(v) for v in s.split("x")) for s in os.environ["BENCH_SIMS"].split(",")]
    for n_sim, K in sims:
        d, t, f = simulated_data(n_sim, K)
        result[f"fit_sim_{n_sim}_{K}"] = bench_fit(d, t, f, draws, tune, chains)
    ns, Ks = ((100, 400), (2,)) if quick else ((516, 2000, 10000), (2, 5, 10))
    result["scaling"] = bench_scaling(ns, Ks)
    return result


def worker_fit_once(quick: bool) -> dict:
    """One fit of the example in this process: run twice with empty, then filled, caches."""
    t0 = time.perf_counter()
    import bayes_beta as bb

    import_s = time.perf_counter() - t0
    df, target, factors = example_data(100 if quick else 516)
    draws, tune, chains = (50, 50, 2) if quick else (1000, 1000, 4)
    t = time.perf_counter()
    bb.fit(df, target, factors, draws=draws, tune=tune, chains=chains, seed=1, progress=False,
           volatility=VOL, check=False)
    return {"import_s": import_s, "fit_s": time.perf_counter() - t}


def compile_timings(quick: bool, timeout: float) -> dict:
    """First-ever (empty pytensor and numba caches) and fresh-process (caches filled) fits."""
    import tempfile

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {"PYTENSOR_FLAGS": f"base_compiledir={tmp}/pytensor",
               "NUMBA_CACHE_DIR": f"{tmp}/numba"}
        for label in ("first_ever", "fresh_process"):
            t = time.perf_counter()
            res = run_worker(sys.executable, "fit_once", quick, timeout, env)
            out[label] = {**res, "process_s": time.perf_counter() - t}
    return out


# ------------------------------------------------------------------ pymc-extras worker
def worker_pymc_extras(quick: bool) -> dict:
    """pymc-extras' structural regression with random-walk coefficients, same priors."""
    import pymc as pm
    import pytensor
    from pymc_extras.statespace.models import structural as st

    import bayes_beta as bb
    from bayes_beta.data import make_design

    n = 100 if quick else 516
    df, target, factors = example_data(n)
    d = make_design(df, target, factors)
    reg = st.Regression(name="exog", state_names=list(factors), innovations=True)
    ss = (reg + st.MeasurementError(name="obs")).build(verbose=False)
    variant = bb.PRIOR_VARIANTS["default"]
    # same model: random-walk exposures, HalfNormal sds on the same scales, the same start
    # (pymc-extras' initial state is the first predicted state: b0 and P0 + Q ~ P0)
    with pm.Model(coords=ss.coords) as model:
        pm.Data("data_exog", d.H, dims=("time", "state_exog"))
        pm.Deterministic("beta_exog", pytensor.tensor.as_tensor(d.b0), dims="state_exog")
        pm.Deterministic("P0", pytensor.tensor.as_tensor(d.P0), dims=("state", "state_aux"))
        pm.HalfNormal(
            "sigma_beta_exog", sigma=variant.state.scale * d.state_unit, dims="state_exog"
        )
        pm.HalfNormal("sigma_obs", sigma=variant.obs.scale * d.y_unit)
        ss.build_statespace_graph(df[[target]])
    result = {"version": __import__("pymc_extras").__version__, "pymc": pm.__version__}
    t = time.perf_counter()
    f = model.logp_dlogp_function(mode="NUMBA", ravel_inputs=True)
    f.set_extra_values({})
    x = np.concatenate([np.ravel(v) for v in model.initial_point().values()])
    f(x)
    result["logp"] = {"us": per_call(f, x) * 1e6, "first_call_s": time.perf_counter() - t}
    if os.environ.get("BENCH_PEER_NUTPIE_LOGP", "1") == "1":
        sec, compile_s, _ = nutpie_per_call(model)
        result["logp_nutpie"] = {"us": sec * 1e6, "first_call_s": compile_s}
    draws, tune, chains = (50, 50, 2) if quick else (1000, 1000, 4)
    import arviz as az

    samplers = os.environ.get("BENCH_PEER_SAMPLERS", "nutpie,pymc").split(",")
    for sampler in samplers:
        times = {}
        # PyMC's own sampler is slow here: one run (cold and warm differ by the compile only)
        labels = ("cold", "warm") if sampler == "nutpie" else ("cold",)
        for label in labels:
            t = time.perf_counter()
            with model:
                idata = pm.sample(
                    draws=draws,
                    tune=tune,
                    chains=chains,
                    nuts_sampler=sampler,
                    random_seed=1,
                    progressbar=False,
                    compute_convergence_checks=False,
                )
            times[label] = time.perf_counter() - t
            if quick:
                break
        times.setdefault("warm", times["cold"])
        names = ["sigma_beta_exog", "sigma_obs"]
        ess = az.ess(idata, var_names=names)
        min_ess = float(min(float(ess[v].min()) for v in names))
        result[f"fit_{sampler}"] = {
            "cold_s": times["cold"],
            "warm_s": times["warm"],
            "min_ess_bulk": min_ess,
            "ess_per_s": min_ess / times["warm"],
            "divergences": int(idata["sample_stats"]["diverging"].sum()),
        }
        if sampler == "nutpie":  # conditional posterior on 100 draws (all would take hours)
            sub = idata.sel(draw=slice(0, 100 // chains - 1)) if hasattr(idata, "sel") else idata
            n_draws = sub["posterior"].sizes["chain"] * sub["posterior"].sizes["draw"]
            t = time.perf_counter()
            ss.sample_conditional_posterior(sub, random_seed=1, progressbar=False)
            elapsed = time.perf_counter() - t
            result["propagate_s"] = elapsed * (chains * draws) / n_draws
            result["propagate_measured"] = f"{elapsed:.1f} s for {n_draws} draws"
    return result


# ------------------------------------------------------------------ orchestration and report
def run_worker(python: str, name: str, quick: bool, timeout: float, env=None) -> dict:
    args = [python, str(HERE / "bench.py"), "--worker", name] + (["--quick"] if quick else [])
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), **(env or {})}
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt(x, spec=".3g"):
    return "n/a" if x is None else format(x, spec)


def report(bb_res: dict, peer: dict | None, quick: bool) -> str:
    lines = [
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {'quick' if quick else 'full'} run.",
        "",
    ]
    floor = bb_res["logp"]["numba forward-only floor"]["us"]
    lines += [
        "### log-likelihood + gradient per evaluation (example data)",
        "",
        "| implementation | us per eval | x floor | first call (compile) s |",
        "|---|---|---|---|",
    ]
    rows = dict(bb_res["logp"])
    if peer and "logp" in peer:
        rows[f"pymc-extras {peer.get('version', '')}, PyMC function (numba)"] = peer["logp"]
    if peer and "logp_nutpie" in peer:
        rows[f"pymc-extras {peer.get('version', '')}, nutpie's compiled function"] = (
            peer["logp_nutpie"])
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['us']:.1f} | {r['us'] / floor:.1f} | {r['first_call_s']:.1f} |"
        )
    lines += [
        "",
        "### Full fits (4 chains x 1,000 tune + 1,000 draws unless quick)",
        "",
        "| tool / data | cold s | warm s | min bulk ESS | ESS/s | divergences | propagation s "
        "(draws) |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, r in bb_res.items():
        if key.startswith("fit_"):
            label = "example" if key == "fit_example" else key[4:].replace("_", " n=", 1)
            lines.append(
                f"| bayes_beta {label} | {r['cold_s']:.1f} | {r['warm_s']:.1f} | "
                f"{r['min_ess_bulk']:.0f} | {r['ess_per_s']:.0f} | {r['divergences']} "
                f"| {r['propagate_s']:.2f} ({r.get('propagated_draws', r.get('draws'))}) |"
            )
    if peer and "error" not in peer:
        for sampler in ("nutpie", "pymc"):
            r = peer.get(f"fit_{sampler}")
            if r:
                prop = peer.get("propagate_s") if sampler == "nutpie" else None  # extrapolated
                lines.append(
                    f"| pymc-extras + {sampler} example | {r['cold_s']:.1f} | "
                    f"{r['warm_s']:.1f} | {r['min_ess_bulk']:.0f} | "
                    f"{r['ess_per_s']:.1f} | {r['divergences']} | {_fmt(prop, '.2f')} |"
                )
        lines += [
            "",
            f"pymc-extras propagation: {peer.get('propagate_measured')}, "
            "extrapolated linearly to all draws in the table.",
        ]
        best = max(peer[f"fit_{s}"]["ess_per_s"] for s in ("nutpie", "pymc") if f"fit_{s}" in peer)
        lines += [
            "",
            f"ESS/s ratio, bayes_beta / best pymc-extras: "
            f"{bb_res['fit_example']['ess_per_s'] / best:.1f}x",
        ]
    elif peer:
        lines += ["", f"pymc-extras: not run ({peer['error']})"]
    comp = bb_res.get("compile")
    if comp:
        lines += ["", "### Compile once: the example fit (4 x 1,000 + 1,000) by cache state", "",
                  "| state | fit s | import s | whole process s |", "|---|---|---|---|"]
        for label, text in (("first_ever", "first ever (empty pytensor and numba caches)"),
                            ("fresh_process", "fresh process (caches filled)")):
            r = comp[label]
            if "error" in r:
                lines.append(f"| {text} | failed: {r['error']} | | |")
            else:
                lines.append(f"| {text} | {r['fit_s']:.1f} | {r['import_s']:.1f} | "
                             f"{r['process_s']:.1f} |")
        warm = bb_res["fit_example"]["warm_s"]
        lines.append(f"| in-process, warm | {warm:.1f} | | |")
    scaling = bb_res["scaling"]
    lines += ["", "### Cost per evaluation (fused Op, us) against n and K", ""]
    ns = sorted({int(k.split(",")[0]) for k in scaling})
    Ks = sorted({int(k.split(",")[1]) for k in scaling})
    lines += ["| K \\ n | " + " | ".join(map(str, ns)) + " |", "|---" * (len(ns) + 1) + "|"]
    for K in Ks:
        lines.append(f"| {K} | " + " | ".join(f"{scaling[f'{n},{K}']:.0f}" for n in ns) + " |")
    for K in Ks:
        slope = np.polyfit(np.log(ns), np.log([scaling[f"{n},{K}"] for n in ns]), 1)[0]
        lines.append(f"\nK = {K}: cost ~ n^{slope:.2f}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI smoke run)")
    parser.add_argument("--worker", choices=sorted(WORKERS))
    parser.add_argument("--peer-python", help="interpreter with pymc-extras installed")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--bb-json", help="report from saved bayes_beta worker output")
    parser.add_argument("--peer-json", help="report from saved pymc-extras worker output")
    parser.add_argument("--save-json", help="also write the bayes_beta results (JSON) here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.quick)))
        return 0
    timeout = 600 if args.quick else 7200
    if args.bb_json:
        bb_res = json.loads(Path(args.bb_json).read_text().strip().splitlines()[-1])
        peer = (json.loads(Path(args.peer_json).read_text().strip().splitlines()[-1])
                if args.peer_json else None)
        text = report(bb_res, peer, args.quick)
        Path(args.out).write_text(text)
        print(text)
        return 0
    bb_res = run_worker(sys.executable, "bayes_beta", args.quick, timeout)
    if "error" in bb_res:
        print(f"bayes_beta benchmark failed: {bb_res['error']}", file=sys.stderr)
        return 1
    if not args.quick:
        bb_res["compile"] = compile_timings(args.quick, timeout)
    if args.save_json:
        Path(args.save_json).write_text(json.dumps(bb_res) + "\n")
    peer = (
        run_worker(args.peer_python, "pymc_extras", args.quick, timeout)
        if args.peer_python
        else None
    )
    text = report(bb_res, peer, args.quick)
    Path(args.out).write_text(text)
    print(text)
    return 0


WORKERS = {"bayes_beta": worker_bayes_beta, "pymc_extras": worker_pymc_extras,
           "fit_once": worker_fit_once}

if __name__ == "__main__":
    raise SystemExit(main())
