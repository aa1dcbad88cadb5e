"""The report layer: self-contained Markdown and HTML reports of fits and comparisons."""

from bayes_beta.report.report import (
    Report,
    backtest_report,
    comparison_report,
    fit_report,
    many_report,
    markdown_table,
)

__all__ = ["Report", "backtest_report", "comparison_report", "fit_report", "many_report",
           "markdown_table"]
