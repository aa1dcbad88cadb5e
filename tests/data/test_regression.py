"""The one OLS and the steps-per-year rule, against NumPy by hand."""

import numpy as np
import pandas as pd
import pytest

from bayes_beta import DataError
from bayes_beta.data import complete_rows, ols, steps_per_year


def test_ols_skips_incomplete_rows_and_matches_the_normal_equations():
    rng = np.random.default_rng(1)
    H = rng.normal(size=(50, 3))
    y = H @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=50)
    y[4], H[7, 2] = np.nan, np.nan
    fit = ols(H, y)
    ok = complete_rows(y, H)
    assert fit.n == 48 and ok.sum() == 48
    b = np.linalg.solve(H[ok].T @ H[ok], H[ok].T @ y[ok])
    np.testing.assert_allclose(fit.b, b, rtol=1e-10)
    s2 = np.sum((y[ok] - H[ok] @ b) ** 2) / (48 - 3)
    np.testing.assert_allclose(fit.cov, s2 * np.linalg.inv(H[ok].T @ H[ok]), rtol=1e-9)
    np.testing.assert_array_equal(fit.cov, fit.cov.T)
    with pytest.raises(DataError, match="more complete rows than factors"):
        ols(H[:3], y[:3])


@pytest.mark.parametrize(("freq", "expected"), [("W-FRI", 52.18), ("B", 260.9), ("MS", 12.0)])
def test_steps_per_year(freq, expected):
    assert steps_per_year(pd.date_range("2000-01-03", periods=400, freq=freq)) == pytest.approx(
        expected, rel=0.03)
