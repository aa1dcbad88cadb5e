"""Self-contained reports: the same blocks written as Markdown (figures linked as PNG files) and
HTML (figures embedded as base64 PNG, no external files). Formatting only: nothing is computed.

The HTML page needs nothing but itself: no external CSS, scripts or fonts. It carries a
viewport tag and a table of contents (a ``<nav>`` linking every ``<h2>`` section by its ``id``),
and reads on a phone: images shrink to the screen, wide tables scroll sideways inside their own
box and long words wrap. The Markdown file opens with the same contents list, linking the
section anchors as GitHub renders them.
"""

from __future__ import annotations

import base64
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Report", "backtest_report", "comparison_report", "fit_report", "many_report",
           "markdown_table"]

CSS = """*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:1em 1em 3em;
color:#222;line-height:1.45}
h1,h2,p,figcaption,nav{overflow-wrap:anywhere}
h1{font-size:1.6em;margin:0.4em 0}h2{font-size:1.25em;margin:1.6em 0 0.5em;
border-bottom:1px solid #ddd;padding-bottom:0.15em}
nav.toc{background:#f7f7f7;border:1px solid #ddd;border-radius:4px;padding:0.5em 1em;
margin:1em 0 1.5em}nav.toc p{margin:0 0 0.3em;font-weight:600}
nav.toc ol{margin:0;padding-left:1.4em}nav.toc li{margin:0.15em 0}
a{color:#0b57a4}
.table-wrap{max-width:100%;overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0.5em 0 1.5em}
table{border-collapse:collapse;font-size:0.85em;margin:0}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;white-space:nowrap}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
figure{margin:1em 0 2em}img{display:block;max-width:100%;height:auto}
figcaption{color:#555;font-size:0.9em;margin-top:0.3em}p.note{color:#555}
@media (max-width:600px){body{padding:0.6em 0.7em 2em}h1{font-size:1.35em}
h2{font-size:1.12em}table{font-size:0.8em}}"""

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _fmt(x) -> str:
    if isinstance(x, float | np.floating):
        return "" if np.isnan(x) else f"{x:.4g}"
    return str(x)


def _github_anchor(text: str, seen: dict) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, each space a
    hyphen; the n-th repeat gets ``-n``."""
    base = "".join(c for c in text.lower()
                   if c in " -_" or unicodedata.category(c)[0] in "LNM").replace(" ", "-")
    n = seen.get(base, 0)
    seen[base] = n + 1
    return base if n == 0 else f"{base}-{n}"


def _html_id(text: str, used: set) -> str:
    """A unique, safe HTML id for a heading: ASCII letters, digits and single hyphens,
    starting with a letter (``section`` when nothing is left), ``-2``, ``-3`` for repeats."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    kept = re.sub(r"[^a-z0-9 _-]", "", ascii_text.lower())
    base = re.sub(r"[\s_-]+", "-", kept).strip("-") or "section"
    if not base[0].isalpha():
        base = f"s-{base}"
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    used.add(slug)
    return slug


def markdown_table(df: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table of a data frame.

    The index is written as the first column(s) when it is named or a MultiIndex; floats are
    written to 4 significant digits (NaN as an empty cell) and ``|`` in a cell is escaped.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to write.

    Returns
    -------
    str
        The Markdown table: a header row, the ``|---|`` separator and one line per row.

    Examples
    --------
    >>> import pandas as pd
    >>> from bayes_beta.report import markdown_table
    >>> df = pd.DataFrame({"beta": [0.512345, float("nan")], "note": ["a|b", "c"]},
    ...                   index=pd.Index(["Util", "Banks"], name="fund"))
    >>> print(markdown_table(df))
    | fund | beta | note |
    |---|---|---|
    | Util | 0.5123 | a\\|b |
    | Banks |  | c |
    """
    df = df.reset_index() if df.index.name or isinstance(df.index, pd.MultiIndex) else df
    head = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(_fmt(v).replace("|", "\\|") for v in row) + " |")
    return "\n".join(lines)


@dataclass
class Report:
    """A report: a title and an ordered list of blocks, written as Markdown and HTML.

    Blocks are added by the chainable methods :meth:`heading` (``("h", text)``, a section),
    :meth:`text` (``("p", text)``), :meth:`table` (``("table", DataFrame)``) and :meth:`figure`
    (``("figure", (name, Figure, caption))``); :meth:`write` formats them.

    Parameters
    ----------
    title : str
        The report's title (the page's ``<h1>`` and ``<title>``, the Markdown ``#`` line).
    blocks : list of tuple, optional
        The blocks, in order; empty by default.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from bayes_beta.report import Report
    >>> fig, ax = plt.subplots(figsize=(4, 2))
    >>> _ = ax.plot([0, 1, 2], [0.5, 0.7, 0.6])
    >>> rep = (Report("Utilities")
    ...        .heading("Exposures")
    ...        .text("Smoothed posterior means.")
    ...        .table(pd.DataFrame({"beta": [0.51, 0.62]},
    ...                            index=pd.Index(["2016", "2017"], name="year")))
    ...        .figure("beta", fig, "Exposure over time"))
    >>> [kind for kind, _ in rep.blocks]
    ['h', 'p', 'table', 'figure']
    >>> plt.close(fig)
    """

    title: str
    blocks: list = field(default_factory=list)

    def heading(self, text: str) -> Report:
        """Start a section: an ``<h2>`` (Markdown ``##``) listed in the table of contents.

        Parameters
        ----------
        text : str
            The section's title.

        Returns
        -------
        Report
            This report, so calls chain.

        Examples
        --------
        >>> from bayes_beta.report import Report
        >>> Report("Demo").heading("Exposures").blocks
        [('h', 'Exposures')]
        """
        self.blocks.append(("h", text))
        return self

    def text(self, text: str) -> Report:
        """Add a paragraph of plain text (HTML-escaped in the page).

        Parameters
        ----------
        text : str
            The paragraph.

        Returns
        -------
        Report
            This report, so calls chain.

        Examples
        --------
        >>> from bayes_beta.report import Report
        >>> Report("Demo").text("260 weekly steps.").blocks
        [('p', '260 weekly steps.')]
        """
        self.blocks.append(("p", text))
        return self

    def table(self, df: pd.DataFrame) -> Report:
        """Add a table: floats to 4 significant digits, NaN as an empty cell; in the HTML it
        scrolls sideways inside its own box when wider than the screen.

        Parameters
        ----------
        df : pandas.DataFrame
            The table (its index is written too).

        Returns
        -------
        Report
            This report, so calls chain.

        Examples
        --------
        >>> import pandas as pd
        >>> from bayes_beta.report import Report
        >>> rep = Report("Demo").table(pd.DataFrame({"beta": [0.5]}))
        >>> rep.blocks[0][0], rep.blocks[0][1].shape
        ('table', (1, 1))
        """
        self.blocks.append(("table", df))
        return self

    def figure(self, name: str, fig, caption: str = "") -> Report:
        """Add a matplotlib figure, written as ``<name>.png`` beside the Markdown and embedded
        in the HTML as a base64 PNG.

        Parameters
        ----------
        name : str
            The figure's name: its PNG file's stem and its key in :meth:`write`'s result.
        fig : matplotlib.figure.Figure
            The figure.
        caption : str, default ""
            Text under the figure.

        Returns
        -------
        Report
            This report, so calls chain.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from bayes_beta.report import Report
        >>> fig, ax = plt.subplots()
        >>> rep = Report("Demo").figure("beta", fig, "Exposure over time")
        >>> rep.blocks[0][0], rep.blocks[0][1][0], rep.blocks[0][1][2]
        ('figure', 'beta', 'Exposure over time')
        >>> plt.close(fig)
        """
        self.blocks.append(("figure", (name, fig, caption)))
        return self

    def write(self, out_dir, stem: str = "report", dpi: int = 110) -> dict:
        """Write ``<stem>.md``, ``<stem>.html`` and one ``<name>.png`` per figure.

        The HTML is self-contained (figures embedded as base64 PNG; no external CSS, scripts or
        fonts), has a viewport tag and a table of contents linking each section's heading by a
        unique ``id``, and reads at phone width (images scale down, wide tables scroll inside a
        ``<div class="table-wrap">``). The Markdown links the PNG files and opens with the same
        contents list, pointing at the anchors GitHub gives its headings.

        Parameters
        ----------
        out_dir : str or pathlib.Path
            The folder to write to; created (with its parents) when missing.
        stem : str, default "report"
            The file name of the Markdown and HTML files, without suffix.
        dpi : int, default 110
            Resolution of the figures.

        Returns
        -------
        dict of str to pathlib.Path
            ``"markdown"`` and ``"html"``: the two reports; each figure's name: its PNG file.

        Examples
        --------
        >>> import tempfile
        >>> import matplotlib.pyplot as plt
        >>> import pandas as pd
        >>> from bayes_beta.report import Report
        >>> fig, ax = plt.subplots(figsize=(4, 2))
        >>> _ = ax.plot([0, 1, 2], [0.5, 0.7, 0.6])
        >>> rep = (Report("Utilities")
        ...        .heading("Exposures").table(pd.DataFrame({"beta": [0.51, 0.62]}))
        ...        .heading("Figures").figure("beta", fig, "Exposure over time"))
        >>> paths = rep.write(tempfile.mkdtemp(), "util")
        >>> sorted((key, p.name) for key, p in paths.items())
        [('beta', 'beta.png'), ('html', 'util.html'), ('markdown', 'util.md')]
        >>> page = paths["html"].read_text()
        >>> page.count("data:image/png;base64,"), '<a href="#figures">Figures</a>' in page
        (1, True)
        >>> '<h2 id="figures">Figures</h2>' in page, 'name="viewport"' in page
        (True, True)
        >>> print("\\n".join(paths["markdown"].read_text().splitlines()[:6]))
        # Utilities
        <BLANKLINE>
        **Contents**
        <BLANKLINE>
        - [Exposures](#exposures)
        - [Figures](#figures)
        >>> plt.close(fig)
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        used_ids: set = set()
        md_seen: dict = {}
        _github_anchor(self.title, md_seen)  # the title's anchor comes first on GitHub
        toc_md, toc_html = [], []
        md, body, paths = [], [], {}
        for kind, value in self.blocks:
            if kind == "h":
                anchor = _github_anchor(value, md_seen)
                label = value.replace("[", "\\[").replace("]", "\\]")
                toc_md.append(f"- [{label}](#{anchor})")
                hid = _html_id(value, used_ids)
                toc_html.append(f'<li><a href="#{hid}">{html.escape(value)}</a></li>')
                md += [f"## {value}", ""]
                body.append(f'<h2 id="{hid}">{html.escape(value)}</h2>')
            elif kind == "p":
                md += [value, ""]
                body.append(f'<p class="note">{html.escape(value)}</p>')
            elif kind == "table":
                md += [markdown_table(value), ""]
                table = value.to_html(float_format=lambda x: f"{x:.4g}", na_rep="", border=0)
                body.append(f'<div class="table-wrap">{table}</div>')
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
        head_md = [f"# {self.title}", ""]
        head_html = [f"<h1>{html.escape(self.title)}</h1>"]
        if toc_md:
            head_md += ["**Contents**", "", *toc_md, ""]
            head_html.append('<nav class="toc" aria-label="Contents"><p>Contents</p><ol>'
                             + "".join(toc_html) + "</ol></nav>")
        paths["markdown"] = out / f"{stem}.md"
        paths["markdown"].write_text("\n".join(head_md + md), encoding="utf-8")
        paths["html"] = out / f"{stem}.html"
        paths["html"].write_text(
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{VIEWPORT}'
            f"<title>{html.escape(self.title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(head_html + body) + "\n</body></html>",
            encoding="utf-8")
        return paths


def comparison_report(cmp, title: str | None = None) -> Report:
    """The report of a prior comparison: its tables and its three figures.

    Sections: the predictive comparison (LFO-CV and PSIS-LOO table, figure ``elpd``), the noise
    parameters (figure ``noise``), the exposure band widths (figure ``bands``), the prior
    sensitivity (power-scaling) and the prior predictive checks.

    Parameters
    ----------
    cmp : bayes_beta.Comparison
        The result of :func:`bayes_beta.compare_priors`.
    title : str, optional
        The report's title; by default ``"Prior comparison: <target> on <factors>"``.

    Returns
    -------
    Report
        The report, to be written with :meth:`Report.write`.

    Examples
    --------
    >>> import tempfile
    >>> import warnings
    >>> import bayes_beta as bb
    >>> from bayes_beta.report import comparison_report
    >>> df = bb.datasets.load_example().iloc[-260:]
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # 50 draws are too few for the sampler checks
    ...     fits = {name: bb.fit(df, "Util", ["Mkt-RF"], name, draws=50, tune=50, chains=1,
    ...                          seed=1, volatility="constant", progress=False)
    ...             for name in ("default", "tight")}
    ...     cmp = bb.compare_priors(fits, lfo="none")
    >>> rep = comparison_report(cmp, title="Util: default and tight priors")
    >>> [text for kind, text in rep.blocks if kind == "h"]
    ['Predictive comparison', 'Noise parameters', 'Exposure bands',
     'Prior sensitivity (power-scaling)', 'Prior predictive checks']
    >>> paths = rep.write(tempfile.mkdtemp())
    >>> sorted(paths)
    ['bands', 'elpd', 'html', 'markdown', 'noise']
    >>> paths["html"].read_text().count("data:image/png;base64,")
    3
    """
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
    """A short report of one fit.

    Sections: the noise parameters' summary; the exposures (last step's band, the variance
    split, figures ``<prefix>exposures`` and ``<prefix>filtered_vs_smoothed``); when the
    observation volatility moves, the one-step predictive checks and figure
    ``<prefix>volatility``; a 13-step forecast (``<prefix>forecast``), the yearly return
    attribution (``<prefix>attribution``), the one-step model checks (``<prefix>checks``) and
    the sampler's warnings, if any.

    Parameters
    ----------
    fit : bayes_beta.Fit
        The fit, from :func:`bayes_beta.fit` or :func:`bayes_beta.load_fit`.
    title : str, optional
        The report's title; by default ``"<target> on <factors>: priors '<variant>'"``.
    prob : float, default 0.9
        Probability of the bands and intervals.
    prefix : str, default ""
        Prefix of the figures' names (and so of their PNG files).

    Returns
    -------
    Report
        The report, to be written with :meth:`Report.write`.

    Examples
    --------
    >>> import tempfile
    >>> import warnings
    >>> import bayes_beta as bb
    >>> from bayes_beta.report import fit_report
    >>> df = bb.datasets.load_example().iloc[-260:]
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # 50 draws are too few for the sampler checks
    ...     fit = bb.fit(df, "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1,
    ...                  volatility="constant", progress=False)
    >>> rep = fit_report(fit, prefix="util_")
    >>> [text for kind, text in rep.blocks if kind == "h"]
    ['Noise parameters', 'Exposures', 'Which exposures move',
     'Forecast: exposures 13 steps ahead (90% bands)',
     'Return attribution by year (90% bands, smoothed exposures)',
     'Model checks (one-step predictive)'...]
    >>> paths = rep.write(tempfile.mkdtemp(), "report_util")
    >>> sorted(paths)
    ['html', 'markdown', 'util_attribution', 'util_checks', 'util_exposures',
     'util_filtered_vs_smoothed', 'util_forecast']
    >>> paths["html"].name
    'report_util.html'
    """
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
    rep.heading("Which exposures move")
    rep.text("Yearly drift of each exposure (beta units per year), the probability that it is "
             "negligible (below the threshold) under the posterior and the prior, and the "
             "verdict (static at P >= 0.9, drifting at P <= 0.1):")
    rep.table(fit.drift_evidence())
    rep.figure(f"{prefix}exposures", fit.plot_exposures(), "Smoothed exposure fan chart")
    rep.figure(f"{prefix}filtered_vs_smoothed", fit.plot_filtered_vs_smoothed(prob),
               "Real-time (filtered) and smoothed bands")
    from bayes_beta.bayesian.volatility import get_volatility

    if get_volatility(fit.options.volatility).form != "constant":  # R_t moves
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
    """The report of a backtest: overall and per-year tables and one figure.

    Sections: ``Overall`` (each method's mean squared error, log score, hedging error variance
    and interval coverage) and ``By year`` (the same per year, figure ``backtest``).

    Parameters
    ----------
    bt : bayes_beta.evaluate.backtest.Backtest
        The result of :func:`bayes_beta.backtest`.
    title : str
        The report's title.

    Returns
    -------
    Report
        The report, to be written with :meth:`Report.write`.

    Examples
    --------
    >>> import tempfile
    >>> import warnings
    >>> import bayes_beta as bb
    >>> from bayes_beta.report import backtest_report
    >>> df = bb.datasets.load_example().iloc[-260:]
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # 50 draws are too few for the sampler checks
    ...     bt = bb.backtest(df, "Util", ["Mkt-RF"], start="2017-01-01", windows=[52, 104],
    ...                      draws=50, tune=50, chains=1, seed=1, volatility="constant")
    >>> sorted(bt.overall.index)
    ['bayes', 'expanding_ols', 'kalman_mle', 'rolling_104', 'rolling_52']
    >>> rep = backtest_report(bt, "Util: backtest from 2017")
    >>> [text for kind, text in rep.blocks if kind == "h"]
    ['Overall', 'By year']
    >>> sorted(rep.write(tempfile.mkdtemp()))
    ['backtest', 'html', 'markdown']
    """
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
    """The cross-fund report of a FitSet.

    Sections: the run overview, the failed funds (if any), the population hyperparameters of
    a pooled FitSet, the sampler diagnostics, the funds ranked by drift, the latest exposures
    with their bands, a heat map of the exposures over time (figure ``heatmap``) and fan charts
    of the 8 funds that drift most per factor (figures ``fans_<factor>``).

    Parameters
    ----------
    fs : bayes_beta.FitSet
        The result of :func:`bayes_beta.fit_many` or :func:`bayes_beta.load_fitset`.
    title : str, default "Many funds"
        The report's title.
    prob : float, default 0.9
        Probability of the bands and intervals.

    Returns
    -------
    Report
        The report, to be written with :meth:`Report.write`.

    Examples
    --------
    >>> import tempfile
    >>> import warnings
    >>> import bayes_beta as bb
    >>> from bayes_beta.report import many_report
    >>> weeks = ("2013-01-01", "2017-12-31", "weekly")
    >>> returns = bb.datasets.load_industries(*weeks)[["Util", "Banks"]]
    >>> factors = bb.datasets.load_factors(*weeks)[["Mkt-RF"]]
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # e.g. the local cluster's "port in use"
    ...     fs = bb.fit_many(returns, factors, store=tempfile.mkdtemp(), workers=1, seed=1,
    ...                      progress=False, draws=50, tune=50, chains=1,
    ...                      volatility="constant")
    >>> fs
    FitSet(2 funds, 0 failed, factors ['Mkt-RF'], 261 dates)
    >>> rep = many_report(fs, title="Utilities and banks")
    >>> [text for kind, text in rep.blocks if kind == "h"]
    ['Sampler diagnostics', "Drift: yearly sd of each exposure's random walk (posterior mean)",
     'Latest exposures (90% bands)']
    >>> sorted(rep.write(tempfile.mkdtemp()))
    ['fans_Mkt-RF', 'heatmap', 'html', 'markdown']
    """
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
    verdicts = fs.table()["drift_verdict"].loc[fs.done].unstack("factor")
    if (verdicts != "").any().any():
        rep.text("Verdict per exposure (static: P(negligible drift) >= 0.9; drifting: <= 0.1; "
                 "see Fit.drift_evidence):")
        rep.table(verdicts)
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
