r"""Which exposures really move: the evidence per factor on the drift of its exposure.

The state equation :math:`\beta_t = T \beta_{t-1} + \eta_t` moves exposure :math:`k` by the
innovations :math:`\eta_{t,k} \sim N(0, \sigma_{\mathrm{state},k}^2)`. Over a year of
:math:`s` steps (52 weekly, 12 monthly, about 252 daily) they add up to a change of sd

.. math::

    d_k = \sigma_{\mathrm{state},k} \sqrt{s},

the *yearly drift* of exposure :math:`k`, in beta units per year (for a random walk, the sd of
:math:`\beta_{t + 1\,\mathrm{year}} - \beta_t`). The drift is *negligible* when
:math:`d_k < \delta_k`. A beta's units are those of the fund's return over the factor's, so the
default threshold is scale-aware, like the priors:

.. math::

    \delta_k = c \, \frac{\mathrm{sd}(y)}{\mathrm{sd}(H_k)}, \qquad c =
    \text{NEGLIGIBLE\_DRIFT} = 0.05,

(the design's units: ``state_unit_k * sqrt(s)``): a drift that moves the factor's part of the
return, :math:`\beta_k H_k`, by less than 5% of the fund's return sd in a year (two sds: 10%).
For a fund as volatile as the factor (a market beta near 1) that is 0.05 beta per year, a change
below the width of a static regression's 90% band on a decade of weekly returns (about
0.07-0.15). Per factor, :func:`drift_evidence` reports the posterior of :math:`d_k` (mean and
``prob`` interval), :math:`P(d_k < \delta_k \mid y)`, the same probability under the prior
(what the data changed), and a verdict: ``"static"`` when
:math:`P(d_k < \delta_k \mid y) \ge` ``1 - level``, ``"drifting"`` when it is :math:`\le`
``level``, ``"unclear"`` otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_beta.bayesian.args import check_prob
from bayes_beta.bayesian.intervals import bounds
from bayes_beta.errors import ArgumentError

__all__ = ["NEGLIGIBLE_DRIFT", "VERDICT_LEVEL", "drift_evidence", "thresholds", "verdict"]

#: The default negligible yearly drift, in units of ``sd(y) / sd(H_k)`` (module docstring).
NEGLIGIBLE_DRIFT = 0.05
#: The default ``level`` of the verdicts: static at ``P >= 0.9``, drifting at ``P <= 0.1``.
VERDICT_LEVEL = 0.1


def verdict(p_negligible, level: float = VERDICT_LEVEL) -> np.ndarray:
    """``"static"``, ``"drifting"`` or ``"unclear"`` for each probability of a negligible drift."""
    p = np.asarray(p_negligible, dtype=float)
    return np.where(p >= 1.0 - level, "static", np.where(p <= level, "drifting", "unclear"))


def thresholds(design, threshold=None) -> np.ndarray:
    """The threshold of a negligible yearly drift per factor: ``None``, the scale-aware default
    ``NEGLIGIBLE_DRIFT x sd(y) / sd(H_k)``; a number, in beta units per year for every factor; a
    mapping factor -> number."""
    factors = list(design.factors)
    if threshold is None:
        return NEGLIGIBLE_DRIFT * np.asarray(design.state_unit, dtype=float) \
            * np.sqrt(design.steps_per_year)
    if isinstance(threshold, dict):
        unknown = sorted(set(threshold) - set(factors))
        missing = [f for f in factors if f not in threshold]
        if unknown or missing:
            raise ArgumentError(f"threshold must give every factor of {factors} a number; "
                                f"unknown {unknown}, missing {missing}.")
        values = [threshold[f] for f in factors]
    else:
        values = [threshold] * len(factors)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
            raise ArgumentError(f"threshold must be a positive number (beta units per year) or "
                                f"a dict factor -> number; got {threshold!r}.")
    return np.asarray(values, dtype=float)


def drift_evidence(fit, threshold=None, prob: float = 0.9, level: float = VERDICT_LEVEL,
                   prior_draws: int = 4000, seed: int = 0) -> pd.DataFrame:
    """The evidence per factor on the yearly drift of its exposure (see the module docstring).

    ``fit``: a :class:`~bayes_beta.Fit`; ``threshold``: see :func:`thresholds`;
    ``prior_draws`` draws of the prior (with ``seed``) give ``prior_p_negligible``. Returns a
    table indexed by ``factor`` with ``drift``, ``lower``, ``upper``, ``threshold``,
    ``p_negligible``, ``prior_p_negligible`` and ``verdict``; ``attrs`` hold ``prob``,
    ``level`` and ``steps_per_year``.
    """
    delta = thresholds(fit.design, threshold)
    check_prob("prob", prob)
    level = check_prob("level", level)
    if level >= 0.5:
        raise ArgumentError(f"level must be below 0.5 (static at P >= 1 - level, drifting at "
                            f"P <= level); got {level}.")
    root = np.sqrt(fit.design.steps_per_year)
    post = fit.tree["posterior"]["sigma_state"].transpose("chain", "draw", "factor")
    draws = post.values.reshape(-1, post.sizes["factor"]) * root  # (S, K)
    prior = fit.prior_draws(draws=prior_draws, seed=seed)["sigma_state"] * root
    lower, upper = bounds(draws, prob, axis=0)
    p = (draws < delta).mean(0)
    out = pd.DataFrame({
        "drift": draws.mean(0),
        "lower": lower,
        "upper": upper,
        "threshold": delta,
        "p_negligible": p,
        "prior_p_negligible": (prior < delta).mean(0),
        "verdict": verdict(p, level),
    }, index=pd.Index(list(fit.design.factors), name="factor"))
    out.attrs.update(prob=prob, level=level, steps_per_year=float(fit.design.steps_per_year))
    return out
