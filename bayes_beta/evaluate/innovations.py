"""One-step-ahead predictive checks (PIT, standardised innovations, coverage).

Kept here for the evaluate layer's users; the computation lives in
:mod:`bayes_beta.bayesian.checks`, where ``Fit.checks`` uses it.

:class:`~bayes_beta.bayesian.checks.PredictiveChecks`,
:func:`~bayes_beta.bayesian.checks.ljung_box` and
:func:`~bayes_beta.bayesian.checks.predictive_checks` are those of
:mod:`bayes_beta.bayesian.checks` (documented there), re-exported.

Examples
--------
>>> import bayes_beta as bb
>>> from bayes_beta.evaluate import ljung_box, predictive_checks
>>> df = bb.datasets.load_example()
>>> fit = bb.fit(df.iloc[-260:], "Util", ["Mkt-RF"], draws=50, tune=50, chains=1, seed=1)
>>> checks = predictive_checks(fit, draws=50)
>>> checks._fields, sorted(checks.summary())
(('pit', 'z', 'log_density'), ['coverage_90%', 'kurtosis', 'ljung_box_6', 'log_score'])
>>> z2 = checks.z.to_series().dropna().to_numpy() ** 2
>>> bool(abs(ljung_box(z2, 6) - checks.ljung_box(6)) < 1e-9)  # on the squared innovations
True
"""

from bayes_beta.bayesian.checks import PredictiveChecks, ljung_box, predictive_checks

__all__ = ["PredictiveChecks", "ljung_box", "predictive_checks"]
