"""Cold start: the wall time of ``bb.fit`` by cache state, before and after the callback cache.

Every measurement runs in its own subprocess (``--child``), so "fresh process" means a new
Python process. The routes:

- ``before``: nutpie's own ``compile_pymc_model`` in every process (``BAYES_BETA_COMPILE=nutpie``);
- ``after``: the sampler callbacks loaded from the machine's disk cache
  (:mod:`bayes_beta.bayesian.compiled`).

Situations, for the constant and GARCH models at K = 1, 2, 3, 5 factors (Mkt-RF, d10y, SMB,
HML, MOM of the shipped data, weekly 1990-2017; 4 chains x 1,000 + 1,000):

- ``first ever``: empty PyTensor, numba and callback caches (their folders pointed at new
  temporary ones; only the K values of ``--first-ever-k``, as each costs minutes);
- ``fresh process``: caches filled by an earlier process;
- ``new variant``: in a process that has fitted GARCH K = 2, the fit of this model;
- ``warm``: the same model again in the same process.

Each fit reports its wall time and the part of it spent compiling (``compile_model``). The
time to import ``bayes_beta.bayesian`` (PyMC, nutpie, ArviZ) is reported separately.

Usage: ``python benchmarks/coldstart.py [--ks 1 2 3 5] [--first-ever-k 2]`` writes
``benchmarks/COLDSTART.md``. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FACTORS = ["Mkt-RF", "d10y", "SMB", "HML", "MOM"]


def child(fits: list[list]) -> None:
    """Fit each ``(volatility, K)`` in turn in this process; print one JSON line."""
    t0 = time.perf_counter()
    import nutpie  # noqa: F401  (nutpie and ArviZ load with the first fit otherwise)

    import bayes_beta as bb
    from bayes_beta.bayesian import sampling

    imported = time.perf_counter() - t0
    compile_s = [0.0]
    original = sampling.compile_model

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            compile_s[0] += time.perf_counter() - t

    sampling.compile_model = timed
    df = _data(bb)
    out = []
    for volatility, K in fits:
        compile_s[0] = 0.0
        t = time.perf_counter()
        bb.fit(df, "Util", FACTORS[:K], volatility=volatility, seed=1, progress=False,
               check=False)
        out.append({"volatility": volatility, "K": K, "fit_s": time.perf_counter() - t,
                    "compile_s": compile_s[0]})
    print(json.dumps({"import_s": imported, "fits": out}))


def _data(bb):
    """The example with SMB, HML and MOM of the same weeks (compounded weekly factors)."""
    df = bb.datasets.load_example()
    factors = bb.datasets.load_factors(frequency="weekly").reindex(df.index)
    return df.join(factors[["SMB", "HML", "MOM"]])


def run_child(fits, route: str, env_extra: dict | None = None) -> dict:
    env = {**os.environ, **(env_extra or {})}
    if route == "before":
        env["BAYES_BETA_COMPILE"] = "nutpie"
    else:
        env.pop("BAYES_BETA_COMPILE", None)
    t = time.perf_counter()
    res = subprocess.run([sys.executable, __file__, "--child", json.dumps(fits)], env=env,
                         capture_output=True, text=True, check=False)
    if res.returncode:
        raise SystemExit(f"child {fits} ({route}) failed:\n{res.stderr[-3000:]}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["process_s"] = time.perf_counter() - t
    return out


def empty_caches(root: Path) -> dict:
    return {"PYTENSORFLAGS": f"base_compiledir={root / 'pytensor'}",
            "NUMBA_CACHE_DIR": str(root / "numba"), "BAYES_BETA_CACHE_DIR": str(root / "bb")}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child")
    ap.add_argument("--ks", type=int, nargs="+", default=[1, 2, 3, 5])
    ap.add_argument("--first-ever-k", type=int, nargs="*", default=[2])
    ap.add_argument("--out", default=str(HERE / "COLDSTART.md"))
    args = ap.parse_args(argv)
    if args.child:
        return child(json.loads(args.child))
    rows, results = [], {}
    started = time.perf_counter()
    for volatility in ("constant", "garch"):
        for K in args.ks:
            for route in ("before", "after"):
                run_child([[volatility, K]], route)  # fills the caches
                fresh = run_child([[volatility, K], [volatility, K]], route)
                variant = run_child([["garch", 2], [volatility, K]], route)
                first = None
                if K in args.first_ever_k:
                    with tempfile.TemporaryDirectory() as tmp:
                        first = run_child([[volatility, K]], route, empty_caches(Path(tmp)))
                results[f"{volatility}/{K}/{route}"] = {"fresh": fresh, "variant": variant,
                                                        "first": first}
                f, w = fresh["fits"]
                v = variant["fits"][1]
                rows.append((volatility, K, route,
                             f"{first['fits'][0]['fit_s']:.1f} ({first['fits'][0]['compile_s']:.1f})"
                             if first else "",
                             f"{f['fit_s']:.1f} ({f['compile_s']:.1f})",
                             f"{fresh['import_s']:.1f}", f"{fresh['process_s']:.1f}",
                             f"{v['fit_s']:.1f} ({v['compile_s']:.1f})",
                             f"{w['fit_s']:.1f}"))
                print(rows[-1], flush=True)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "coldstart.json").write_text(json.dumps(results, indent=1))
    _write(Path(args.out), rows, time.perf_counter() - started)


def _write(path: Path, rows, elapsed: float) -> None:
    lines = [
        "# Cold start: `bb.fit` by cache state, before and after the callback cache",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; `python benchmarks/coldstart.py` ({elapsed / 60:.0f} min).",
        "",
        "Wall time of `bb.fit` on the example (weekly Util 1990-2017; factors Mkt-RF, d10y, SMB,",
        "HML, MOM in that order up to K; 4 chains x 1,000 + 1,000), in seconds, with the part spent",
        "compiling in brackets. *before*: nutpie's `compile_pymc_model` in every process;",
        "*after*: the sampler callbacks from the machine's disk cache. *first ever*: empty",
        "PyTensor, numba and callback caches; *fresh process*: caches filled by an earlier",
        "process; *import*: `import bayes_beta.bayesian` (PyMC, nutpie, ArviZ), not in the fit",
        "time; *process*: the whole fresh process (interpreter, imports, data, two fits);",
        "*new variant*: the fit in a process that has fitted GARCH K = 2 just before; *warm*:",
        "the same model again in the same process.",
        "",
        "| model | K | route | first ever | fresh process | import | process | new variant | warm |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
