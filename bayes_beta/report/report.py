"""Self-contained reports: the same blocks written as Markdown (figures linked as PNG files) and
HTML (figures embedded as base64 PNG, no external files). Formatting only: nothing is computed.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Report", "backtest_report", "comparison_report", "fit_report"]

CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}img{max-width:100%}p.note{color:#555}"""


def _fmt(x) -> str:
    if isinstance(x, float | np.floating):
        return "" if np.isnan(x) else f"{x:.4g}"
    return str(x)


def markdown_table(df: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (index included), numbers to 4 significant digits."""
    df = df.reset_index() if df.index.name or isinstance(df.index, pd.MultiIndex) else df
    head = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(_fmt(v).replace("|", "\\|") for v in row) + " |")
    return "\n".join(lines)


@dataclass
class Report:
    """An ordered list of blocks: ``("h", text)``, ``("p", text)``, ``("table", df)``,
    ``("figure", (name, Figure, caption))``."""

    title: str
    blocks: list = field(default_factory=list)

    def heading(self, text: str) -> Report:
        self.blocks.append(("h", text))
        return self

    def text(self, text: str) -> Report:
        self.blocks.append(("p", text))
        return self

    def table(self, df: pd.DataFrame) -> Report:
        self.blocks.append(("table", df))
        return self

    def figure(self, name: str, fig, caption: str = "") -> Report:
        self.blocks.append(("figure", (name, fig, caption)))
        return self

    def write(self, out_dir, stem: str = "report", dpi: int = 110) -> dict:
        """Write ``<stem>.md``, ``<stem>.html`` and one ``<name>.png`` per figure."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        md, body, paths = [f"# {self.title}", ""], [f"<h1>{html.escape(self.title)}</h1>"], {}
        for kind, value in self.blocks:
            if kind == "h":
                md += [f"## {value}", ""]
                body.append(f"<h2>{html.escape(value)}</h2>")
            elif kind == "p":
                md += [value, ""]
                body.append(f'<p class="note">{html.escape(value)}</p>')
            elif kind == "table":
                md += [markdown_table(value), ""]
                body.append(value.to_html(float_format=lambda x: f"{x:.4g}", na_rep="",
                                          border=0))
            else:
                name, fig, caption = value
                png = out / f"{name}.png"
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
                png.write_bytes(buf.getvalue())
                paths[name] = png
                md += [f"![{name}]({png.name})", ""]
                if caption:
                    md += [f"*{caption}*", ""]
                data = base64.b64encode(buf.getvalue()).decode("ascii")
                body.append(f'<figure><img alt="{html.escape(name)}" '
                            f'src="data:image/png;base64,{data}"/>'
                            f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        paths["markdown"] = out / f"{stem}.md"
        paths["markdown"].write_text("\n".join(md), encoding="utf-8")
        paths["html"] = out / f"{stem}.html"
        paths["html"].write_text(
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(self.title)}"
            f"</title><style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>",
            encoding="utf-8")
        return paths


def comparison_report(cmp, title: str | None = None) -> Report:
    """The report of a :class:`~bayes_beta.compare.Comparison` (tables and its three figures)."""
    import matplotlib.pyplot as plt

    fit = next(iter(cmp.fits.values()))
    d, s = fit.design, cmp.settings
    rep = Report(title or f"Prior comparison: {d.target} on {', '.join(d.factors)}")
    rep.text(f"{len(d.y)} steps {d.time[0]:%Y-%m-%d} .. {d.time[-1]:%Y-%m-%d} "
             f"({d.steps_per_year:.0f} per year); dynamics {fit.options.dynamics}; variants "
             f"{', '.join(cmp.fits)}.")
    rep.heading("Predictive comparison")
    if s["lfo"] != "none":
        rep.text(f"LFO-CV: one-step-ahead leave-future-out ({s['lfo']}; first forecast after "
                 f"L = {s['min_train']} observations; PSIS refit threshold k > "
                 f"{s['k_threshold']}). elpd_diff is relative to the best variant with the SE "
                 "of the paired difference; weight: stacking of the LFO predictive densities; "
                 "n_refits: PSIS refits after the first fit on the training window.")
    rep.text("PSIS-LOO (heuristic): leave-one-out on the per-time terms l_t; for a time series "
             "the later terms still condition on the left-out step, so it is not a forecast "
             "score. Widths: mean width of the exposure bands over time.")
    rep.table(cmp.table)
    rep.figure("elpd", cmp.plot_elpd(), "Elpd differences to the best variant")
    rep.heading("Noise parameters")
    rep.text(f"Posterior mean, sd and {s['prob']:.0%} interval of each noise parameter (per "
             "step, in data units), with the prior's interval.")
    rep.table(cmp.noise)
    rep.figure("noise", cmp.plot_noise(), "Posterior (coloured) over prior (grey) intervals")
    rep.heading("Exposure bands")
    rep.table(cmp.band_width)
    rep.figure("bands", cmp.plot_bands(), f"{s['prob']:.0%} smoothed exposure bands by variant")
    rep.heading("Prior sensitivity (power-scaling)")
    rep.text("Sensitivity of each posterior to power-scaling the prior or the likelihood "
             "(arviz psense); values above 0.05 are flagged.")
    rep.table(cmp.sensitivity)
    rep.heading("Prior predictive checks")
    rep.text("Implied by each prior (5%, 50%, 95%): yearly exposure drift sigma_state * "
             "sqrt(steps per year), observation noise sd, and the sd of returns simulated on "
             "the real factors; 'data' gives the rolling one-year OLS drift (net of estimation "
             "noise), the OLS residual sd and sd(y); posterior_q50 the fit's median.")
    rep.table(cmp.prior_checks.set_index(["variant", "quantity", "factor"]))
    plt.close("all")
    return rep


def fit_report(fit, title: str | None = None, prob: float = 0.9, prefix: str = "") -> Report:
    """A short report of one fit: summary, variance split, sampler warnings, two figures
    (named ``<prefix>exposures`` and ``<prefix>filtered_vs_smoothed``), a third
    (``<prefix>volatility``) and the one-step predictive checks when the volatility moves."""
    import matplotlib.pyplot as plt

    d = fit.design
    rep = Report(title or f"{d.target} on {', '.join(d.factors)}: priors {fit.variant.name!r}")
    rep.text(f"{len(d.y)} steps {d.time[0]:%Y-%m-%d} .. {d.time[-1]:%Y-%m-%d}; {fit!r}.")
    if fit.variant.description:
        rep.text(f"Priors: {fit.variant.description}")
    rep.heading("Noise parameters")
    rep.table(fit.summary(prob=prob))
    rep.heading("Exposures")
    b = fit.bands(prob)
    last = b.isel(time=-1).to_dataframe()[["mean", "lower", "upper"]]
    rep.text(f"Last step, {prob:.0%} band:")
    rep.table(last)
    rep.table(fit.variance_decomposition())
    rep.figure(f"{prefix}exposures", fit.plot_exposures(), "Smoothed exposure fan chart")
    rep.figure(f"{prefix}filtered_vs_smoothed", fit.plot_filtered_vs_smoothed(prob),
               "Real-time (filtered) and smoothed bands")
    if fit.options.volatility != "constant":
        from bayes_beta.evaluate.innovations import predictive_checks

        rep.heading(f"Observation volatility ({fit.options.volatility})")
        rep.text("One-step predictive checks (bayes_beta.predictive_checks): kurtosis (3 if "
                 "Gaussian) and Ljung-Box over 6 lags (95% point 12.6) of the standardised "
                 "innovations' squares, 90% interval coverage, in-sample log score.")
        rep.table(pd.DataFrame([predictive_checks(fit).summary()]))
        rep.figure(f"{prefix}volatility", fit.plot_volatility(),
                   "Annualised observation volatility sqrt(R_t)")
    _forward_looking(rep, fit, prob, prefix)
    if fit.problems:
        rep.heading("Sampler warnings")
        for p in fit.problems:
            rep.text(p)
    plt.close("all")
    return rep


def _forward_looking(rep: Report, fit, prob: float, prefix: str) -> None:
    """Forecast (13 steps), yearly attribution and the one-step model checks of a fit."""
    steps = 13
    fc = fit.forecast(steps=steps, prob=prob, seed=0)
    rep.heading(f"Forecast: exposures {steps} steps ahead ({prob:.0%} bands)")
    rep.table(fc[["exposure_mean", "exposure_lower", "exposure_upper"]].isel(
        time=[0, steps // 2, steps - 1]).to_dataframe())
    rep.figure(f"{prefix}forecast", fit.plot_forecast(fc), "Smoothed bands and the forecast")
    att = fit.attribution("Y", prob=prob)
    rep.heading(f"Return attribution by year ({prob:.0%} bands, smoothed exposures)")
    table = att[["mean", "lower", "upper"]].to_dataframe().unstack("component")
    rep.table(table["mean"].assign(observed=att["observed"].to_series()))
    rep.figure(f"{prefix}attribution", fit.plot_attribution(att),
               "Contributions per year and cumulative")
    ch = fit.checks()
    rep.heading("Model checks (one-step predictive)")
    rep.text("Coverage of the 50% and 90% one-step intervals by year; CUSUM and CUSUM of "
             f"squares of the standardised innovations at {1 - ch.alpha:.0%} bounds.")
    rep.table(ch.coverage)
    rep.table(pd.DataFrame([ch.summary]))
    rep.figure(f"{prefix}checks", ch.plot(), "PIT, coverage by year, innovations, CUSUM")


def backtest_report(bt, title: str) -> Report:
    """The report of a :func:`bayes_beta.backtest`: overall and per-year tables, a figure."""
    import matplotlib.pyplot as plt

    rep = Report(title)
    rep.text("Out-of-sample one-step forecasts of the return given the realised factor "
             "returns; every method learns from the data before each refit date only and the "
             f"exposures from the data before each step. Coverage of the {bt.prob:.0%} "
             "predictive interval; hedging error: the variance of y_t - H_t beta_(t|t-1).")
    rep.heading("Overall")
    rep.table(bt.overall)
    rep.heading("By year")
    rep.table(bt.table)
    rep.figure("backtest", bt.plot(), "Mean squared error and log score by year")
    plt.close("all")
    return rep


def many_report(fs, title: str = "Many funds", prob: float = 0.9) -> Report:
    """The cross-fund report of a :class:`~bayes_beta.FitSet`: run overview, failures, funds
    ranked by drift, latest exposures with bands, a heat map of exposures over time and fan
    charts of the funds that drift most (figures ``heatmap`` and ``fans_<factor>``)."""
    import matplotlib.pyplot as plt

    data = fs.data
    factors = [str(f) for f in data["factor"].values]
    rep = Report(title)
    n_done = len(fs.done)
    seconds = data["seconds"].sel(fund=fs.done)
    rep.text(f"{len(fs)} funds: {n_done} fitted, {len(fs) - n_done} failed; factors "
             f"{', '.join(factors)}; {data.sizes['time']} dates "
             f"{pd.Timestamp(data['time'].values[0]):%Y-%m-%d} .. "
             f"{pd.Timestamp(data['time'].values[-1]):%Y-%m-%d}. Seconds per fund on its "
             f"worker: median {float(seconds.median()):.1f}, max {float(seconds.max()):.1f}.")
    if len(fs.failed):
        rep.heading("Failed funds")
        rep.table(fs.failed)
    if fs.pooling == "partial":
        rep.heading(f"Population (partial pooling, {prob:.0%} intervals)")
        rep.text("One joint fit: each fund's noise scales share population hyperpriors. "
                 "drift_median[k]: the median fund's yearly drift of exposure k in units of "
                 "sd(y)/sd(H_k); drift_spread[k]: the factor by which funds' drifts differ per "
                 "population sd; obs_median: the median residual sd over sd(y).")
        rep.table(fs.population(prob))
    problems = data[["divergences", "r_hat_max", "ess_bulk_min", "n_problems"]].sel(
        fund=fs.done).to_dataframe()
    flagged = problems[problems["n_problems"] > 0]
    rep.heading("Sampler diagnostics")
    rep.text(f"{len(flagged)} of {n_done} funds have sampler warnings (divergences, r_hat > "
             "1.01, ESS < 100 per chain or low BFMI); the worst by r_hat:")
    rep.table(problems.sort_values("r_hat_max", ascending=False).head(10))
    rep.heading("Drift: yearly sd of each exposure's random walk (posterior mean)")
    drift = data["drift"].sel(fund=fs.done).to_pandas()
    rep.table(drift.assign(total=drift.sum(axis=1)).sort_values("total", ascending=False))
    rep.heading(f"Latest exposures ({prob:.0%} bands)")
    latest = fs.table()[["latest_mean", "latest_lower", "latest_upper", "band_width"]]
    rep.table(latest.loc[fs.done])
    rep.figure("heatmap", fs.plot_heatmap(), "Smoothed exposures by fund over time")
    for f in factors:
        top = drift[f].sort_values(ascending=False).index[:8]
        rep.figure(f"fans_{f}", fs.plot_fans(f, funds=list(top)),
                   f"The 8 funds whose exposure to {f} drifts most")
    plt.close("all")
    return rep
