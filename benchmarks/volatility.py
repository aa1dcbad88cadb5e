"""Moving observation volatility on the shipped data: evidence and speed.

    python benchmarks/volatility.py evidence [--quick] [--out benchmarks/VOLATILITY.md]
    python benchmarks/volatility.py speed    [--quick] [--out benchmarks/VOLATILITY_SPEED.md]
    python benchmarks/volatility.py pair     [--quick] [--out benchmarks/VOLATILITY_PAIR.md]

``evidence``: the example (Util on Mkt-RF and d10y) and three industries (Banks, Oil, Chips on
Mkt-RF, SMB, HML), weekly 1990-01 .. 2017-03, each fitted with every ``volatility`` model
(4 chains x 1,000 draws after 1,000 tune). For each: PSIS-LFO elpd over the second half of the
sample (refits 2 x 300 draws when Pareto k > 0.7) and its difference from ``"constant"`` with
the standard error of the pointwise differences; the one-step predictive checks of
:func:`bayes_beta.predictive_checks` (90% coverage overall and per year, kurtosis and Ljung-Box
of the standardised innovations); the mean width of the 90% exposure bands. ``"known"`` uses
the mean squared daily return of the 20 trading days before each week (known in advance),
divided by its sample mean. Figures: ``benchmarks/figures/volatility_<series>.png``.

``pair``: the same LFO for ``"stochastic"`` and ``"garch"`` only, with the pointwise difference
between the two and its standard error (which of the two moving-volatility models to prefer).

``speed``: fits of the example (4 x 1,000 + 1,000) with each model, cold (first in the process)
and warm, minimum bulk ESS over the scalar parameters, ESS/s, divergences, time over constant.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import bayes_beta as bb
from bayes_beta.data.frames import weekly_excess

HERE = Path(__file__).resolve().parent
MODELS = ("constant", "stochastic", "garch", "student_t", "known")
INDUSTRIES = ("Banks", "Oil", "Chips")
START, END = "1990-01-01", "2017-03-31"
YEARS = (1991, 2000, 2001, 2002, 2005, 2008, 2010, 2013)


def realised_multiplier(daily_excess: pd.Series, weeks: pd.DatetimeIndex) -> pd.Series:
    """Mean squared daily return of the 20 trading days before each week, over its mean."""
    rv = (daily_excess**2).rolling(20).mean()
    before = rv.reindex(weeks - pd.Timedelta(days=7), method="ffill").to_numpy()
    m = pd.Series(before, index=weeks)
    return m / m.mean()


def datasets() -> dict[str, tuple[pd.DataFrame, str, list[str]]]:
    """name -> (weekly frame with column ``rv``, target, factors)."""
    out = {}
    daily_f = bb.datasets.load_factors(START, END)
    daily_i = bb.datasets.load_industries(START, END)
    ex = bb.datasets.load_example(START, END)
    util = (daily_i["Util"] - daily_f["RF"]).dropna()
    out["Util (example)"] = (ex.assign(rv=realised_multiplier(util, ex.index)).dropna(), "Util",
                             ["Mkt-RF", "d10y"])
    daily = daily_i[list(INDUSTRIES)].join(daily_f, how="inner").dropna()
    daily[list(INDUSTRIES)] = daily[list(INDUSTRIES)].sub(daily["RF"], axis=0)
    weekly = weekly_excess(daily[[*INDUSTRIES, "Mkt-RF", "SMB", "HML", "RF"]],
                           excess=[*INDUSTRIES, "Mkt-RF"])
    for name in INDUSTRIES:
        frame = weekly[[name, "Mkt-RF", "SMB", "HML"]]
        excess = daily[name]
        out[name] = (frame.assign(rv=realised_multiplier(excess, frame.index)).dropna(), name,
                     ["Mkt-RF", "SMB", "HML"])
    return out


def _fit(df, target, factors, volatility, settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bb.fit(df, target, factors, volatility=volatility, progress=False, check=False,
                      variance_multiplier="rv" if volatility == "known" else None, **settings)


def evaluate_series(df, target, factors, settings, lfo_settings):
    rows, fits, pointwise = {}, {}, {}
    for model in MODELS:
        t = time.perf_counter()
        fit = _fit(df, target, factors, model, settings)
        n_obs = int(fit.design.observed.sum())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lfo = bb.lfo_cv(fit, min_train=n_obs // 2, **lfo_settings)
        checks = bb.predictive_checks(fit)
        bands = fit.bands(0.9)
        width = (bands["upper"] - bands["lower"]).mean("time").to_series()
        pointwise[model] = np.asarray(lfo.elpd_i).ravel()
        rows[model] = {"elpd_lfo": float(lfo.elpd), "refits": int(lfo.n_refits),
                       **checks.summary(), "coverage": checks.coverage(0.9),
                       "width": width, "divergences": int(fit.tree["sample_stats"]
                                                          ["diverging"].sum()),
                       "seconds": time.perf_counter() - t}
        fits[model] = fit
        print(f"  {model}: elpd {rows[model]['elpd_lfo']:.1f}, refits {rows[model]['refits']}, "
              f"{rows[model]['seconds']:.0f} s", flush=True)
    for model in MODELS:
        diff = pointwise[model] - pointwise["constant"]
        rows[model]["d_elpd"] = float(diff.sum())
        rows[model]["d_se"] = float(np.sqrt(len(diff) * diff.var()))
    return rows, fits


def figure(fits, name, path):
    import matplotlib.pyplot as plt

    factor = fits["constant"].design.factors[0]
    fig, axes = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    for model, color in (("constant", "tab:gray"), ("stochastic", "tab:blue")):
        b = fits[model].bands(0.9).sel(factor=factor)
        axes[0].fill_between(b["time"].values, b["lower"], b["upper"], color=color, alpha=0.35,
                             label=f"{model} 90%")
        axes[0].plot(b["time"].values, b["median"], color=color, lw=0.8)
        v = fits[model].volatility(0.9)
        axes[1].fill_between(v["time"].values, v["lower"], v["upper"], color=color, alpha=0.35,
                             label=f"{model} 90%")
    axes[0].set_ylabel(f"beta on {factor}")
    axes[1].set_ylabel("observation volatility (annualised)")
    axes[0].legend(loc="upper left", fontsize=8)
    axes[0].set_title(f"{name}: exposure and volatility bands, constant vs stochastic volatility")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def _table(results) -> list[str]:
    lines = ["| series | model | LFO elpd | diff vs constant (SE) | PSIS refits | 90% coverage "
             "| kurtosis | Ljung-Box(6) of z^2 | mean 90% band width (first factor) | "
             "divergences |", "|---" * 10 + "|"]
    for series, rows in results.items():
        for model, r in rows.items():
            diff = "0" if model == "constant" else f"{r['d_elpd']:+.1f} ({r['d_se']:.1f})"
            lines.append(
                f"| {series} | {model} | {r['elpd_lfo']:.1f} | {diff} | {r['refits']} | "
                f"{r['coverage_90%']:.3f} | {r['kurtosis']:.2f} | {r['ljung_box_6']:.1f} | "
                f"{r['width'].iloc[0]:.3f} | {r['divergences']} |")
    return lines


def _years(results) -> list[str]:
    lines = ["| series | model | " + " | ".join(map(str, YEARS)) + " |",
             "|---" * (len(YEARS) + 2) + "|"]
    for series, rows in results.items():
        for model, r in rows.items():
            cov = r["coverage"]
            lines.append(f"| {series} | {model} | " + " | ".join(
                f"{cov.get(y, np.nan):.2f}" for y in YEARS) + " |")
    return lines


def evidence(quick: bool, out: Path) -> str:
    settings = dict(draws=100, tune=100, chains=2, seed=1) if quick else \
        dict(draws=1000, tune=1000, chains=4, seed=1)
    lfo_settings = dict(draws=100, tune=100, chains=2, seed=1) if quick else \
        dict(draws=300, tune=300, chains=2, seed=1)
    figures = HERE / "figures"
    figures.mkdir(exist_ok=True)
    results, start = {}, time.perf_counter()
    data = datasets()
    for name, (df, target, factors) in list(data.items())[: 1 if quick else None]:
        print(name, flush=True)
        if quick:
            df = df.iloc[-300:]
        results[name], fits = evaluate_series(df, target, factors, settings, lfo_settings)
        slug = name.split()[0].lower()
        figure(fits, name, figures / f"volatility_{slug}.png")
    text = "\n".join([
        f"Volatility models on the shipped data ({time.perf_counter() - start:.0f} s; "
        f"{'quick' if quick else 'full'} run: fits {settings['chains']} x {settings['draws']}, "
        f"LFO refits {lfo_settings['chains']} x {lfo_settings['draws']}).", "",
        "### LFO elpd (second half of each sample), predictive checks and band widths", "",
        *_table(results), "",
        "### 90% one-step predictive coverage by year", "", *_years(results), ""])
    out.write_text(text)
    return text


def pair(quick: bool, out: Path, models=("stochastic", "garch")) -> str:
    lfo_settings = dict(draws=100, tune=100, chains=2, seed=1) if quick else \
        dict(draws=300, tune=300, chains=2, seed=1)
    lines = [f"PSIS-LFO over the second half of each sample, {models[0]} minus {models[1]} "
             f"(refits {lfo_settings['chains']} x {lfo_settings['draws']}).", "",
             f"| series | elpd {models[0]} | elpd {models[1]} | difference | SE |", "|---" * 5 + "|"]
    for name, (df, target, factors) in list(datasets().items())[: 1 if quick else None]:
        df = df.iloc[-300:] if quick else df
        point = {}
        for model in models:
            fit = _fit(df, target, factors, model, dict(draws=50, tune=100, chains=1, seed=1))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = bb.lfo_cv(fit, min_train=int(fit.design.observed.sum()) // 2,
                                **lfo_settings)
            point[model] = np.asarray(res.elpd_i).ravel()
        diff = point[models[0]] - point[models[1]]
        lines.append(f"| {name} | {point[models[0]].sum():.1f} | {point[models[1]].sum():.1f} | "
                     f"{diff.sum():+.1f} | {np.sqrt(len(diff) * diff.var()):.1f} |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    out.write_text(text)
    return text


def speed(quick: bool, out: Path) -> str:
    import arviz as az

    df = bb.datasets.load_example()
    if quick:
        df = df.iloc[-200:]
    settings = dict(draws=100, tune=100, chains=2, seed=1) if quick else \
        dict(draws=1000, tune=1000, chains=4, seed=1)
    rows, n = {}, len(df)
    for model in MODELS:
        if model == "known":
            ex_daily = bb.datasets.load_example(frequency="daily")
            df = df.assign(rv=realised_multiplier(ex_daily["Util"], df.index)).dropna()
        times = []
        for _ in range(2):
            t = time.perf_counter()
            fit = _fit(df, "Util", ["Mkt-RF", "d10y"], model, settings)
            times.append(time.perf_counter() - t)
        ess = az.ess(fit.tree, var_names=fit.noise_vars)
        min_ess = min(float(ess[v].min()) for v in fit.noise_vars)
        rows[model] = dict(cold=times[0], warm=times[1], ess=min_ess, ess_s=min_ess / times[1],
                           div=int(fit.tree["sample_stats"]["diverging"].sum()))
        print(model, rows[model], flush=True)
    base = rows["constant"]["warm"]
    lines = [f"Example fit ({n} weeks; known: {len(df)}, without the first weeks that lack 20 "
             f"days of history), {settings['chains']} x {settings['draws']} draws "
             f"after {settings['tune']} tune), each model cold (first fit in the process) and "
             "warm (second).", "",
             "| volatility | cold s | warm s | warm / constant | min bulk ESS | ESS/s (warm) | "
             "divergences |", "|---" * 7 + "|"]
    lines += [f"| {m} | {r['cold']:.1f} | {r['warm']:.1f} | {r['warm'] / base:.2f} | "
              f"{r['ess']:.0f} | {r['ess_s']:.0f} | {r['div']} |" for m, r in rows.items()]
    text = "\n".join(lines) + "\n"
    out.write_text(text)
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("evidence", "speed", "pair"))
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else HERE / {
        "evidence": "VOLATILITY.md", "speed": "VOLATILITY_SPEED.md",
        "pair": "VOLATILITY_PAIR.md"}[args.what]
    text = {"evidence": evidence, "speed": speed, "pair": pair}[args.what](args.quick, out)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
