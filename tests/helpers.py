"""Helpers shared by the tests."""

import numpy as np
from scipy import stats


def max_rel_diff(a, b) -> float:
    """``max|a - b| / max|b|``: the relative difference used for reference comparisons."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.max(np.abs(b))
    return float(np.max(np.abs(a - b)) / (scale if scale > 0 else 1.0))


def sd_cdf(prior, s):
    """scipy's cdf of the documented prior on a noise sd: ``prior``'s family (and shape numbers)
    with scale ``s`` (the variant's scale x the data unit); an independent reference for the
    PyMC families."""
    return {
        "halfnormal": lambda x: stats.halfnorm.cdf(x, scale=s),
        "halfstudentt": lambda x: 2.0 * stats.t.cdf(x / s, prior.nu) - 1.0,
        "exponential": lambda x: stats.expon.cdf(x, scale=s),
        "lognormal": lambda x: stats.lognorm.cdf(x, prior.log_sd, scale=s),
        "inversegamma": lambda x: stats.invgamma.cdf(x**2, prior.alpha,
                                                     scale=(prior.alpha - 1) * s**2),
    }[prior.family]
