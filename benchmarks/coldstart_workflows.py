"""Cold start of whole workflows, before and after the callback cache, each in a fresh process.

Companion of ``coldstart.py`` (single fits). Each workflow runs once to fill the caches, then
in a fresh process with the callbacks from the disk cache (*after*) and with nutpie's own
compilation in every process (*before*, ``BAYES_BETA_COMPILE=nutpie``); PyTensor's and numba's
caches are filled in both. Wall time of the whole process:

- ``main job``: ``python -m bayes_beta --out DIR`` (the README's main job without set-up);
- ``compare``: ``bb.compare_priors`` of the four built-in variants of
  ``models/utilities_rates.toml`` with ``lfo="none"`` (fits, bands, checks; the LFO refits
  reuse each variant's compiled model either way);
- ``fit_many``: 6 industries on Mkt-RF, SMB, HML (weekly 1990-2017, 2 chains x 500 + 500,
  ``keep="summary"``) on a local cluster of 2 worker processes, whose first fund each compiles
  (before) or loads (after) the model.

Usage: ``python benchmarks/coldstart_workflows.py`` appends its table to
``benchmarks/COLDSTART.md``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

COMPARE = """
import bayes_beta as bb
spec = bb.load_spec("{root}/models/utilities_rates.toml")
cmp = bb.compare_priors(spec, lfo="none", check=False)
print(sorted(cmp.fits))
"""

MANY = """
import bayes_beta as bb
from distributed import Client, LocalCluster
if __name__ == "__main__":
    ind = bb.datasets.load_industries(frequency="weekly", start="1990", end="2017")
    fac = bb.datasets.load_factors(frequency="weekly").loc[ind.index, ["Mkt-RF", "SMB", "HML"]]
    funds = ["Util", "Banks", "Oil", "Chips", "Food", "Autos"]
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \\
            Client(cluster) as client:
        fs = bb.fit_many(ind[funds], fac, store="{store}", client=client, keep="summary",
                         draws=500, tune=500, chains=2, seed=1, progress=False, check=False)
    print(len(fs.funds))
"""


def _run(argv: list[str], route: str) -> float:
    env = dict(os.environ)
    if route == "before":
        env["BAYES_BETA_COMPILE"] = "nutpie"
    else:
        env.pop("BAYES_BETA_COMPILE", None)
    t = time.perf_counter()
    res = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    if res.returncode:
        raise SystemExit(f"{argv[:3]} ({route}) failed:\n{res.stderr[-3000:]}")
    return time.perf_counter() - t


def workflows(tmp: Path) -> dict:
    py = sys.executable
    script = tmp / "many.py"
    out = {}
    for name in ("main job", "compare", "fit_many"):
        times = {}
        for route in ("warm-up", "after", "before"):
            run_dir = tmp / f"{name.replace(' ', '_')}_{route}"
            if name == "main job":
                argv = [py, "-m", "bayes_beta", "--out", str(run_dir)]
            elif name == "compare":
                argv = [py, "-c", COMPARE.format(root=ROOT)]
            else:
                script.write_text(MANY.format(store=run_dir))
                argv = [py, str(script)]
            times[route] = _run(argv, "after" if route == "warm-up" else route)
            print(name, route, f"{times[route]:.1f}", flush=True)
        out[name] = times
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        res = workflows(Path(tmp))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "coldstart_workflows.json").write_text(json.dumps(res, indent=1))
    lines = ["", "## Workflows in a fresh process (caches filled)", "",
             "`python benchmarks/coldstart_workflows.py`: wall time of the whole process, s.", "",
             "| workflow | before | after | saved |", "|---|---|---|---|"]
    for name, t in res.items():
        lines.append(f"| {name} | {t['before']:.1f} | {t['after']:.1f} | "
                     f"{t['before'] - t['after']:.1f} |")
    with open(HERE / "COLDSTART.md", "a") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
