"""Filter and smoother against statsmodels' state-space model (an independent implementation)."""

import numpy as np
import pytest
from statsmodels.tsa.statespace.mlemodel import MLEModel

import bayes_beta as bb
from tests.helpers import max_rel_diff

RTOL = 1e-8


class TimeVaryingRegression(MLEModel):
    """``y_t = H_t beta_t + eps``, ``beta_t = T beta_(t-1) + eta`` with a known initial state.

    statsmodels' initial state is the *predicted* state of the first step, so
    ``a_1 = T b0`` and ``P_1 = T P0 T' + Q``.
    """

    def __init__(self, y, H, spec):
        _n, _m, K = H.shape
        super().__init__(
            endog=y,
            k_states=K,
            k_posdef=K,
            initialization="known",
            initial_state=spec.T @ spec.b0,
            initial_state_cov=spec.T @ spec.P0 @ spec.T.T + spec.Q,
        )
        self["design"] = np.transpose(H, (1, 2, 0))
        self["obs_cov"] = spec.R
        self["transition"] = spec.T
        self["selection"] = np.eye(K)
        self["state_cov"] = spec.Q


def statsmodels_smooth(y, H, spec):
    """statsmodels cannot take NaN in the design: drop such steps through ``y`` instead."""
    y = np.array(y, dtype=float).reshape(len(H), -1)
    H = np.array(H, dtype=float).reshape(len(y), y.shape[1], -1)
    bad_rows = np.isnan(H).any(axis=-1)
    y[bad_rows] = np.nan
    H[np.isnan(H)] = 0.0
    return TimeVaryingRegression(y, H, spec).ssm.smooth()


def _compare(y, H, spec):
    ours = bb.kalman_smoother(y, H, spec)
    ref = statsmodels_smooth(y, H, spec)
    diffs = {
        "loglik": max_rel_diff(ours.loglik, ref.llf_obs.sum()),
        "loglik_t": max_rel_diff(ours.loglik_t, ref.llf_obs),
        "beta_pred": max_rel_diff(ours.beta_pred, ref.predicted_state[:, :-1].T),
        "P_pred": max_rel_diff(ours.P_pred, ref.predicted_state_cov[:, :, :-1].transpose(2, 0, 1)),
        "beta_filt": max_rel_diff(ours.beta_filt, ref.filtered_state.T),
        "P_filt": max_rel_diff(ours.P_filt, ref.filtered_state_cov.transpose(2, 0, 1)),
        "beta_smooth": max_rel_diff(ours.beta_smooth, ref.smoothed_state.T),
        "P_smooth": max_rel_diff(ours.P_smooth, ref.smoothed_state_cov.transpose(2, 0, 1)),
    }
    worst = max(diffs, key=diffs.get)
    assert diffs[worst] < RTOL, f"{worst} differs from statsmodels by {diffs[worst]:.2e}: {diffs}"
    return ours, diffs


def test_matches_statsmodels_on_example(example):
    y, H, spec = example
    ours, _ = _compare(y, H, spec)
    assert np.isfinite(ours.loglik) and ours.loglik > 2000  # weekly returns: a high density


def test_matches_statsmodels_with_gaps(example):
    y, H, spec = example
    y, H = y.copy(), H.copy()
    y[[0, 10, 11, 12, 500, len(y) - 1]] = np.nan  # first, a run, middle and last step
    H[[20, 700], 0] = np.nan
    H[701, 1] = np.nan
    ours, _ = _compare(y, H, spec)
    skipped = [0, 10, 11, 12, 20, 500, 700, 701, len(y) - 1]
    assert np.all(ours.loglik_t[skipped] == 0.0)
    np.testing.assert_array_equal(ours.beta_filt[skipped], ours.beta_pred[skipped])
    np.testing.assert_array_equal(ours.P_filt[skipped], ours.P_pred[skipped])


def test_matches_statsmodels_multivariate_partial_nan():
    rng = np.random.default_rng(11)
    n, m, K = 60, 3, 2
    H = rng.normal(size=(n, m, K))
    A = rng.normal(size=(m, m))
    spec = bb.StateSpace(
        T=np.array([[0.9, 0.05], [0.0, 0.7]]),
        Q=np.array([[0.02, 0.005], [0.005, 0.01]]),
        R=A @ A.T / m + 0.1 * np.eye(m),
        b0=np.array([0.3, -0.2]),
        P0=np.eye(K),
    )
    y = bb.simulate(spec, H, seed=2).y
    y[4, 1] = np.nan
    y[9, [0, 2]] = np.nan
    y[15] = np.nan
    H[30, 2, 1] = np.nan
    ours, _ = _compare(y, H, spec)
    assert ours.loglik_t[15] == 0.0
    assert np.isnan(ours.v[4, 1]) and np.isfinite(ours.v[4, 0])
    np.testing.assert_array_equal(ours.K[4][:, 1], 0.0)


@pytest.mark.parametrize("frame", [True, False])
def test_pandas_inputs_give_the_same_result(example, frame):
    import pandas as pd

    y, H, spec = example
    df = bb.datasets.load_example()
    before = df.copy(deep=True)
    if frame:
        res = bb.kalman_filter(df["Util"], df[["Mkt-RF", "d10y"]], spec)
    else:
        res = bb.kalman_filter(df[["Util"]], df[["Mkt-RF", "d10y"]].to_numpy(), spec)
    np.testing.assert_array_equal(res.beta_filt, bb.kalman_filter(y, H, spec).beta_filt)
    pd.testing.assert_frame_equal(df, before)
