"""benchmarks/POOLING.md from the JSON results of ``benchmarks/pooling.py``."""

from __future__ import annotations

import json
from pathlib import Path


def _load(results: Path, name: str):
    path = results / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _fit_rows(fit: dict, label: str) -> list[str]:
    return [f"| {label} | {fit['funds']} | {fit['sampling_s']:.0f} | {fit['propagation_s']:.0f} "
            f"| {fit['wall_s']:.0f} | {fit['divergences']} | {fit['mean_leapfrog_steps']:.1f} "
            f"| {fit['min_ess_bulk_funds']:.0f} | {fit['funds_with_warnings']} |"]


def _evidence_rows(ev: dict, label: str) -> list[str]:
    w = ev["width_ratio_median"]
    return [f"| {label} | {ev['funds']} | {ev['elpd_diff_sum']:.1f} ({ev['se_diff_sum']:.1f}) "
            f"| {ev['funds_better']} / {ev['funds_worse']} "
            f"| {ev['funds_better_2se']} / {ev['funds_worse_2se']} "
            f"| {' / '.join(f'{v:.3f}' for v in w.values())} | {ev['pareto_k_max']:.2f} |"]


def write_report(results: Path, out: Path) -> None:
    lines = ["# Partial pooling: speed and evidence",
             "",
             "Written by `python benchmarks/pooling.py report` from `benchmarks/results/"
             "pooling_*.json`; the commands are in `benchmarks/pooling.py`. 47 industries, "
             "weekly 1990-2017 (1,461 weeks), K = 3 (Mkt-RF, SMB, HML), GARCH observation "
             "noise, 4 chains x 1,000 + 1,000, 2-core machine, nothing else running.", ""]
    sc = _load(results, "pooling_scaling")
    if sc:
        lines += ["## Cost per log-density-and-gradient evaluation against the number of funds",
                  "", "| funds | ms per evaluation | ms per fund |", "|---:|---:|---:|"]
        lines += [f"| {r['funds']} | {r['ms_per_eval']:.3f} | {r['ms_per_eval'] / r['funds']:.3f} |"
                  for r in sc["rows"]]
        lines += ["", f"Log-log slope over 4-47 funds: **{sc['exponent_F_ge_4']:.3f}** "
                  "(1 = linear).", ""]
    fits = [(n, _load(results, f)) for n, f in (("full", "pooling_fit"),
                                               ("10 funds cut to 2 years", "pooling_fit_short"))]
    if any(f for _, f in fits):
        lines += ["## Pooled fits", "",
                  "| universe | funds | sampling s (incl. compile) | propagation s | wall s | "
                  "divergences | leapfrog steps / draw | min bulk ESS (funds) | funds with "
                  "warnings |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for label, fit in fits:
            if fit:
                lines += _fit_rows(fit, label)
        lines.append("")
        full = dict(fits)["full"]
        if full:
            lines += ["Population (full universe, 90% intervals):", "",
                      "| parameter | mean | lower | upper | r_hat | bulk ESS |",
                      "|---|---:|---:|---:|---:|---:|"]
            lines += [f"| {p['parameter']} | {p['mean']:.3f} | {p['lower']:.3f} | "
                      f"{p['upper']:.3f} | {p['r_hat']:.3f} | {p['ess_bulk']:.0f} |"
                      for p in full["population"]]
            lines.append("")
    ev = _load(results, "pooling_evidence")
    if ev:
        lines += ["## Pooled against independent fits", "",
                  "PSIS-LOO over the per-week one-step-ahead log-densities (heuristic: exact "
                  "LFO would refit the joint model many times); SE of the paired differences.",
                  "", "| universe | funds | elpd pooled - independent (SE) | better / worse "
                  "| beyond 2 SE: better / worse | median 90% width ratio (Mkt-RF / SMB / HML) "
                  "| max Pareto k |", "|---|---:|---:|---:|---:|---:|---:|"]
        lines += _evidence_rows(ev["full"], "full (47)")
        lines += _evidence_rows(ev["short"], "the 10 short funds")
        lines += ["", "Largest drift shifts, |log(pooled / independent)| of the yearly drift "
                  "sd:", ""]
        for label, key in (("full", "full"), ("short funds", "short")):
            shifts = ev[key]["largest_drift_shift"]
            lines.append(f"- {label}: " + "; ".join(
                f"{k}: " + ", ".join(f"{f} {v:.2f}" for f, v in d.items())
                for k, d in shifts.items()))
        ref = ev["short_reference"]
        lines += ["", "The 10 short funds over their last 2 years against their own full-history "
                  "independent fits:", "",
                  "| fit on 2 years | mean 90% width | mean abs gap to the full-history mean | "
                  "full-history mean inside the 90% band |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {v['mean_width_90']:.3f} | {v['mean_abs_gap_to_full_history']:.3f} "
                  f"| {v['full_history_mean_inside_90']:.1%} |" for k, v in ref.items()]
        lines.append("")
    out.write_text("\n".join(lines))
    print(out.read_text())
