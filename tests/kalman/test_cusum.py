"""CUSUM and CUSUM of squares against statsmodels' RecursiveLS on its own recursive residuals."""

import numpy as np
import pytest
from statsmodels.regression.recursive_ls import RecursiveLS

from bayes_beta.errors import ArgumentError
from bayes_beta.kalman.cusum import cusum, cusum_bounds, cusum_squares, cusum_squares_bounds


@pytest.fixture(scope="module")
def rls():
    rng = np.random.default_rng(0)
    n = 200
    X = np.column_stack([np.ones(n), rng.normal(size=n)])
    beta = np.where(np.arange(n)[:, None] < 120, [0.5, 1.0], [1.0, 1.0])  # a level break at 120
    y = (X * beta).sum(1) + rng.normal(0, 0.5, n)
    return RecursiveLS(y, X).fit()


def test_statistics_equal_statsmodels(rls):
    d = max(rls.nobs_diffuse, rls.loglikelihood_burn)
    w = rls.resid_recursive[d:]
    np.testing.assert_allclose(cusum(w), rls.cusum, rtol=1e-12)
    np.testing.assert_allclose(cusum_squares(w), rls.cusum_squares, rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_bounds_equal_statsmodels(rls, alpha):
    d = max(rls.nobs_diffuse, rls.loglikelihood_burn)
    m = rls.nobs - d
    want = rls._cusum_significance_bounds(alpha)
    got = cusum_bounds(m, np.array([0, m]), alpha)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    want_sq = rls._cusum_squares_significance_bounds(alpha)
    np.testing.assert_allclose(cusum_squares_bounds(m, np.array([0, m]), alpha), want_sq,
                               rtol=1e-12)


def test_the_break_is_detected(rls):
    d = max(rls.nobs_diffuse, rls.loglikelihood_burn)
    w = rls.resid_recursive[d:]
    x = np.arange(1, len(w) + 1)
    lo, hi = cusum_bounds(len(w), x, 0.05)
    assert ((cusum(w) < lo) | (cusum(w) > hi)).any()


def test_bad_input():
    with pytest.raises(ArgumentError, match="alpha"):
        cusum_bounds(50, [1], 0.2)
    with pytest.raises(ArgumentError, match="alpha"):
        cusum_squares_bounds(50, [1], 0.3)
    with pytest.raises(ArgumentError, match="4 finite"):
        cusum([1.0, np.nan, 2.0, 3.0])
