"""The chapter's two-step lag smoother: a hand-computed example, defaults, MLE, Bayesian model."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.classical import (
    BoundaryWarning,
    default_noise,
    lag_noise_mle,
    lag_state_space,
    noisiest_window,
    plot_lag_smoother,
    two_step_lag_smoother,
)

Z = pd.Series([4.00, 4.10, 3.95], index=pd.date_range("2001-01-02", periods=3, freq="B"))


def test_three_steps_by_hand():
    """Filter and RTS smoother of ``x_t = [[a, 1-a], [1, 0]] x_(t-1) + w``, ``z_t = x_t[0] + v``."""
    a, q, r = 0.8, 0.01, 0.02
    out = two_step_lag_smoother(Z, a, q=q, r=r)
    z = Z.to_numpy()
    A = np.array([[a, 1 - a], [1.0, 0.0]])
    Q = np.diag([q, 0.0])
    h = np.array([1.0, 0.0])
    p0 = np.var(z)  # documented default P0 = var(z) I, b0 = [z_1, z_1]
    x, P = np.array([z[0], z[0]]), p0 * np.eye(2)
    xs_pred, Ps_pred, xs, Ps = [], [], [], []
    for t in range(3):
        x_pred = A @ x  # predict
        P_pred = A @ P @ A.T + Q
        S = h @ P_pred @ h + r  # correct
        K = P_pred @ h / S
        x = x_pred + K * (z[t] - h @ x_pred)
        P = P_pred - np.outer(K, h @ P_pred)
        xs_pred.append(x_pred), Ps_pred.append(P_pred), xs.append(x), Ps.append(P)
    # step 1 written out: x_pred = [z1, z1] (weights a + 1 - a = 1) and
    # P_pred = p0 A A' + Q = [[p0 (a^2 + (1-a)^2) + q, a p0], [a p0, p0]]
    np.testing.assert_allclose(xs_pred[0], [z[0], z[0]])
    np.testing.assert_allclose(Ps_pred[0], [[p0 * (a**2 + (1 - a) ** 2) + q, a * p0], [a * p0, p0]])
    np.testing.assert_allclose(out["filtered"], [x[0] for x in xs], rtol=1e-12)
    np.testing.assert_allclose(out["filtered_sd"] ** 2, [P[0, 0] for P in Ps], rtol=1e-10)
    # RTS backwards: J = P_t A' P_pred(t+1)^-1, x_s = x_t + J (x_s(t+1) - x_pred(t+1))
    smooth = [None, None, xs[2]]
    for t in (1, 0):
        J = Ps[t] @ A.T @ np.linalg.inv(Ps_pred[t + 1])
        smooth[t] = xs[t] + J @ (smooth[t + 1] - xs_pred[t + 1])
    np.testing.assert_allclose(out["smoothed"], [s[0] for s in smooth], rtol=1e-10)
    np.testing.assert_array_equal(out["raw"], z)
    assert out.attrs["a"] == a and out.attrs["q"] == q and out.attrs["r"] == r


def test_default_noise_and_state_space():
    q, r = default_noise(Z)
    assert q == r == pytest.approx(np.var(np.diff(Z.to_numpy())) / 3)
    spec = lag_state_space(0.5, 0.1, 0.2, x0=4.0, p0=1.0)
    np.testing.assert_array_equal(spec.T, [[0.5, 0.5], [1.0, 0.0]])
    np.testing.assert_array_equal(spec.Q, [[0.1, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(spec.b0, [4.0, 4.0])


def test_yields_smoothed_for_both_weights():
    z = bb.datasets.load_treasury_yields(start="2008-06", end="2009-06")["10year"]
    out = {a: two_step_lag_smoother(z, a) for a in (0.5, 0.8)}
    for frame in out.values():
        assert frame.index.equals(z.index)
        # smoothing removes part of the day-to-day noise but follows the level
        assert np.std(np.diff(frame["smoothed"])) < np.std(np.diff(frame["raw"]))
        assert np.max(np.abs(frame["smoothed"] - frame["raw"])) < 0.3
        assert (frame["smoothed_sd"] <= frame["filtered_sd"] + 1e-12).all()
    start, end = noisiest_window(z, length=40)
    assert (z.index.get_loc(end) - z.index.get_loc(start)) == 39
    fig = plot_lag_smoother({f"a={a}": f for a, f in out.items()}, window=(start, end))
    assert len(fig.axes) == 2 and len(fig.axes[1].lines) == 3
    plt.close("all")


def test_mle_of_the_noise_warns_that_r_is_on_the_boundary():
    z = bb.datasets.load_treasury_yields(start="2010", end="2010")["10year"]
    with pytest.warns(BoundaryWarning, match="R .*observation without noise"):
        res = lag_noise_mle(z, 0.8, n_starts=1)
    assert res.names == ("Q[level]", "R") and res.at_boundary == ("R",)
    assert res.Q[1, 1] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BoundaryWarning)
        frame = two_step_lag_smoother(z, 0.8, q=res.Q[0, 0], r=res.R[0, 0])
    assert frame.attrs["loglik"] == pytest.approx(res.loglik, rel=1e-9)


def test_bad_input():
    with pytest.raises(bb.SpecError, match=r"a must lie in \[0, 1\]"):
        two_step_lag_smoother(Z, 1.5)
    with pytest.raises(bb.DataError, match="at least 3 observed values"):
        two_step_lag_smoother(Z.iloc[:2], 0.5)
    with pytest.raises(bb.DataError, match="one yield column"):
        two_step_lag_smoother(pd.DataFrame({"a": Z, "b": Z}), 0.5)
    with pytest.raises(bb.SpecError, match="q and r must be >= 0"):
        two_step_lag_smoother(Z, 0.5, q=-1.0)
