"""``benchmarks/MANY.md`` from the JSON results of ``benchmarks/many.py`` (see its docstring)."""

from __future__ import annotations

import json
from pathlib import Path


def _load(results: Path, name: str):
    path = results / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _table(header, rows) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(str(c) for c in r) + " |" for r in rows)]


def write_report(results: Path, out: Path) -> None:
    lines = ["# Many funds: measured", "",
             "Written by `python benchmarks/many.py report` from `benchmarks/results/*.json`; "
             "each section names the command that produced it. 2-core x86_64 sandbox, Python "
             "3.12.1, nothing else running.", ""]
    prop, before = _load(results, "propagation"), _load(results, "propagation_before")
    if prop:
        lines += ["## Propagation against sampling (`many.py propagation`)", "",
                  "Industries on Mkt-RF, SMB, HML, weekly 1990-2017 (1,461 weeks), GARCH noise, "
                  f"4 chains x {prop['draws']} + {prop['draws']}. *tree* = propagation, "
                  "per-draw log-likelihood, log-prior and assembly of the fit's DataTree "
                  "(`assemble_tree`). *Before* is the code before this change (all 4,000 draws "
                  "propagated, normals drawn by NumPy), run in the same session.", ""]
        rows = []
        old = {r["fund"]: r for r in before or []}
        for r in prop["rows"]:
            b = old.get(r["fund"], {})
            rows.append([r["fund"], f"{r['sample_s']:.2f}", f"{r['tree_auto_s']:.2f}",
                         f"{r['tree_auto_s'] / r['sample_s']:.2f}",
                         f"{r['tree_all_s']:.2f}",
                         f"{b.get('tree_s', float('nan')):.2f}",
                         f"{b.get('tree_s', float('nan')) / b.get('sample_s', float('nan')):.2f}"])
        lines += _table(["fund", "NUTS s", "tree s (1,000 paths)", "tree / NUTS",
                         "tree s (all 4,000)", "before: tree s", "before: tree / NUTS"], rows)
        lines += ["", "Bands from the default 1,000 path draws against all 4,000: the "
                  "difference of each band edge (every week and factor) in units of its Monte "
                  "Carlo standard error. Within Monte Carlo error, 95% of |z| fall below 2 and "
                  "sd(z) is 1.", ""]
        rows = [[r["fund"], f"{r['z_abs_lt2_0.9']:.3f}", f"{r['z_sd_0.9']:.2f}",
                 f"{r['z_abs_lt2_0.5']:.3f}", f"{r['z_sd_0.5']:.2f}",
                 f"{r['width90_auto']:.4f}", f"{r['width90_all']:.4f}"] for r in prop["rows"]]
        lines += _table(["fund", "90%: share |z| < 2", "90%: sd(z)", "50%: share |z| < 2",
                         "50%: sd(z)", "mean 90% width (1,000)", "(4,000)"], rows)
        lines.append("")
    many, loop = _load(results, "industries_many"), _load(results, "industries_loop")
    if many or loop:
        lines += ["## The 47 industries (`many.py industries --mode many|loop`)", "",
                  "`models/industries_ff3.toml`: 47 industries x 1,461 weeks, K = 3, GARCH "
                  "noise, 4 chains x 1,000 + 1,000. *many*: `bb.fit_many` on a local cluster "
                  "of 2 worker processes (one thread each), each fund's fit and summary written "
                  "to the store. *loop*: `bb.fit` fund after fund in one process (nutpie's "
                  "chains and the propagation on both cores), the same per-fund summary "
                  "computed, nothing saved. Same seeds, so the same draws.", ""]
        rows = []
        if loop:
            rows.append(["loop of bb.fit", f"{loop['wall_s']:.0f}",
                         f"{loop['wall_s'] / loop['funds']:.2f}",
                         f"{loop['first_fund_s']:.1f} first, {loop['per_fund_s_median']:.1f} next",
                         f"{loop['min_ess_bulk']:.0f} ({loop['median_min_ess_bulk']:.0f})",
                         loop["divergences"], f"{loop['peak_mb']:.0f} (process)", "not saved"])
        if many:
            rows.append([f"fit_many, {many['workers']} workers", f"{many['wall_s']:.0f}",
                         f"{many['wall_s'] / many['funds']:.2f}",
                         f"{many['per_fund_worker_s_median']:.1f} per worker (median)",
                         f"{many['min_ess_bulk']:.0f} ({many['median_min_ess_bulk']:.0f})",
                         many["divergences"], f"{many['peak_worker_mb']:.0f} (per worker)",
                         f"{many['fit_mb_median']:.0f} MB per fund, {many['store_mb'] / 1e3:.1f} GB"])
        lines += _table(["run", "wall s", "wall s per fund", "s per fund", "min bulk ESS "
                         "(median over funds)", "divergences", "peak memory MB", "disk"], rows)
        if many and loop:
            lines += ["", f"Loop / fit_many wall time: {loop['wall_s'] / many['wall_s']:.2f}x. "
                      f"Compiles in fit_many: {many['compiles']} (one per worker)."]
        old = _load(results, "industries_loop_before")
        if old:
            lines += ["", f"The same loop before this change (the code at the start of the "
                      f"many-funds work: all 4,000 draws propagated; {old['funds']} funds, same "
                      f"model and draws): {old['first_fund_s']:.1f} s for the first fund, "
                      f"{old['per_fund_s_median']:.2f} s per further fund (median)."]
        lines.append("")
    uni = _load(results, "universe")
    if uni:
        lines += ["## A simulated universe (`many.py universe`)", "",
                  f"{uni['funds']} simulated funds, n = {uni['n']} weeks, K = {uni['K']}, "
                  "constant noise, 2 chains x 500 + 500, `fit_many(keep=\"summary\")` on "
                  f"{uni['workers']} local workers.", ""]
        lines += _table(
            ["funds", "wall s", "funds per minute", "s per fund per worker (median)",
             "peak memory per worker MB", "worker memory after a fund, first 20 / last 20 funds (MB)",
             "store GB", "MB per fund", "min bulk ESS", "funds with warnings"],
            [[uni["funds"], f"{uni['wall_s']:.0f}", f"{uni['funds_per_minute']:.0f}",
              f"{uni['per_fund_worker_s_median']:.2f}", f"{uni['peak_worker_mb']:.0f}",
              " / ".join(f"{x:.0f}" for x in uni["worker_mb_first_last"]),
              f"{uni['store_gb']:.2f}", f"{uni['disk_per_fund_mb']:.2f}",
              f"{uni['min_ess_bulk']:.0f}", uni["funds_with_warnings"]]])
        lines.append("")
    again = _load(results, "universe_collect")
    if again:
        lines += [f"Memory with a garbage collection every 10 funds per worker "
                  f"(`bayes_beta.bayesian.many.COLLECT_EVERY`, added after the run above; "
                  f"`many.py universe --funds {again['funds']}`): worker memory after a fund, "
                  "median of the first / last 20 funds: "
                  + " / ".join(f"{x:.0f}" for x in again["worker_mb_first_last"])
                  + f" MB, at most {again['worker_mb_max']:.0f} MB; peak "
                  f"{again['peak_worker_mb']:.0f} MB; {again['funds_per_minute']:.0f} funds per "
                  "minute.", ""]
    out.write_text("\n".join(lines) + "\n")
