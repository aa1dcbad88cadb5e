"""KalmanSpec heuristics, KalmanEngine results and the errors of bad input."""

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.classical import KalmanEngine, KalmanResults, KalmanSpec

TARGET, FACTORS = "Util", ["Mkt-RF", "d10y"]


@pytest.fixture(scope="module")
def df():
    return bb.datasets.load_example(start="2010")


@pytest.fixture(scope="module")
def arrays(df):
    return df[FACTORS].to_numpy(), df[TARGET].to_numpy().reshape(-1, 1)


@pytest.fixture(scope="module")
def seed_spec(arrays):
    H, y = arrays
    return (
        KalmanSpec(K=2, name="Simple Model")
        .estimate_initial_state(H, y)
        .set_Q_from_factor_vols(H)
        .estimate_R_from_ols(H, y)
    )


@pytest.fixture(scope="module")
def results(df, seed_spec):
    return KalmanEngine(seed_spec).run(df, target_col=TARGET, factor_cols=FACTORS, burn=0)


# ---------------------------------------------------------------------------- heuristics


def test_heuristics_follow_their_formulas(arrays, seed_spec):
    H, y = arrays
    y = y[:, 0]
    n, K = H.shape
    b = np.linalg.solve(H.T @ H, H.T @ y)
    s2 = np.sum((y - H @ b) ** 2) / (n - K)
    np.testing.assert_allclose(seed_spec.b0, b, rtol=1e-10)
    np.testing.assert_allclose(seed_spec.P0, s2 * np.linalg.inv(H.T @ H), rtol=1e-8)
    np.testing.assert_allclose(seed_spec.R, [[s2]], rtol=1e-10)
    c = 0.02
    np.testing.assert_allclose(
        seed_spec.Q, np.diag((c * np.std(y) / np.std(H, axis=0)) ** 2), rtol=1e-10
    )
    assert seed_spec.sources == {"b0": "ols", "P0": "ols", "Q": "factor_vols", "R": "ols"}


def test_setters_chain_and_values_are_read_only(arrays):
    H, y = arrays
    spec = KalmanSpec(2, "chain")
    assert spec.estimate_initial_state(H, y, window=52, inflate=10.0) is spec
    assert spec.set_Q_from_factor_vols(H, scale=0.1) is spec
    assert spec.estimate_R_from_ols(H, y) is spec
    assert spec.set_initial_state([0.5, 0.0], np.eye(2)) is spec
    with pytest.raises(ValueError, match="read-only"):
        spec.Q[0, 0] = 1.0
    ss = spec.to_state_space()
    assert isinstance(ss, bb.StateSpace)
    np.testing.assert_array_equal(ss.T, np.eye(2))
    np.testing.assert_array_equal(ss.b0, [0.5, 0.0])


def test_window_uses_only_the_first_rows(arrays):
    H, y = arrays
    spec = KalmanSpec(2).estimate_initial_state(H, y, window=40, inflate=10.0)
    b = np.linalg.lstsq(H[:40], y[:40, 0], rcond=None)[0]
    np.testing.assert_allclose(spec.b0, b, rtol=1e-10)


def test_to_state_space_names_what_is_missing(arrays):
    H, y = arrays
    spec = KalmanSpec(2, "partial").estimate_initial_state(H, y)
    with pytest.raises(bb.SpecError, match=r"no Q, R yet.*set_Q_from_factor_vols"):
        spec.to_state_space()


def test_q_from_factor_vols_needs_the_target_scale(arrays):
    H, _ = arrays
    with pytest.raises(bb.SpecError, match=r"needs sd\(y\).*estimate_initial_state"):
        KalmanSpec(2).set_Q_from_factor_vols(H)


# ---------------------------------------------------------------------------- engine


def test_results_match_the_smoother(df, seed_spec, results):
    y, H = df[TARGET].to_numpy(), df[FACTORS].to_numpy()
    ref = bb.kalman_smoother(y, H, seed_spec.to_state_space())
    assert isinstance(results, KalmanResults)
    assert results.model_name == "Simple Model" and results.target == TARGET
    assert results.factors == tuple(FACTORS)
    assert results.exposures.index.equals(df.index)
    assert list(results.exposures.columns) == FACTORS
    np.testing.assert_array_equal(results.exposures.to_numpy(), ref.beta_filt)
    np.testing.assert_array_equal(results.smoothed.to_numpy(), ref.beta_smooth)
    np.testing.assert_array_equal(results.covariances, ref.P_filt)
    np.testing.assert_array_equal(results.residuals.to_numpy(), ref.v[:, 0])
    np.testing.assert_array_equal(results.loglik.to_numpy(), ref.loglik_t)
    np.testing.assert_array_equal(results.gains.to_numpy(), ref.K[:, :, 0])
    np.testing.assert_allclose(results.gain_norm, np.linalg.norm(ref.K[:, :, 0], axis=1))
    prev = np.vstack([seed_spec.b0, ref.beta_filt[:-1]])
    np.testing.assert_allclose(results.drift_norm, np.linalg.norm(ref.beta_filt - prev, axis=1))
    np.testing.assert_allclose(results.contributions.to_numpy(), H * ref.beta_filt)
    np.testing.assert_allclose(
        results.exposure_sd.to_numpy() ** 2, np.diagonal(ref.P_filt, axis1=1, axis2=2)
    )


def test_burn_drops_rows_but_not_their_effect(df, seed_spec, results):
    burned = KalmanEngine(seed_spec).run(df, TARGET, FACTORS, burn=10)
    assert len(burned) == len(df) - 10 and burned.burn == 10
    assert burned.index[0] == df.index[10]
    pd.testing.assert_frame_equal(burned.exposures, results.exposures.iloc[10:])
    pd.testing.assert_series_equal(burned.drift_norm, results.drift_norm.iloc[10:])


def test_unset_pieces_are_filled_on_the_data(df, arrays, seed_spec):
    H, y = arrays
    spec = KalmanSpec(2, "Simple Model").estimate_initial_state(H, y)
    res = KalmanEngine(spec).run(df, TARGET, FACTORS)
    assert res.filled == ("Q", "R")
    assert spec.Q is None  # the spec itself is unchanged
    np.testing.assert_allclose(res.spec.Q, seed_spec.Q)
    np.testing.assert_allclose(res.spec.R, seed_spec.R)


def test_engine_takes_a_state_space_and_missing_values(df, seed_spec):
    holes = df.copy()
    holes.iloc[5, 0] = np.nan
    res = KalmanEngine(seed_spec.to_state_space(), name="ss").run(holes, TARGET, FACTORS)
    assert np.isnan(res.residuals.iloc[5]) and np.isnan(res.gain_norm.iloc[5])
    assert np.isnan(res.loglik.iloc[5])
    np.testing.assert_array_equal(res.exposures.iloc[5], res.exposures.iloc[4])  # no update
    assert not holes.iloc[:, 0].drop(holes.index[5]).isna().any()


def test_input_frame_is_not_mutated(df, seed_spec):
    before = df.copy()
    KalmanEngine(seed_spec).run(df, TARGET, FACTORS, burn=3)
    pd.testing.assert_frame_equal(df, before)


# ---------------------------------------------------------------------------- bad input


def test_unknown_column_is_named(df, seed_spec):
    with pytest.raises(bb.ColumnError, match=r"no column 'Mkt_RF'.*Close matches.*'Mkt-RF'"):
        KalmanEngine(seed_spec).run(df, TARGET, ["Mkt_RF", "d10y"])


def test_burn_longer_than_data(df, seed_spec):
    with pytest.raises(bb.DataError, match=rf"burn = {len(df)} drops every row.*{len(df)} rows"):
        KalmanEngine(seed_spec).run(df, TARGET, FACTORS, burn=len(df))
    with pytest.raises(bb.DataError, match="non-negative integer"):
        KalmanEngine(seed_spec).run(df, TARGET, FACTORS, burn=-1)


def test_mismatched_k(df, arrays, seed_spec):
    H, y = arrays
    with pytest.raises(
        bb.SpecError, match=r"K = 2 exposures but 1 factor columns.*KalmanSpec\(K=1\)"
    ):
        KalmanEngine(seed_spec).run(df, TARGET, ["Mkt-RF"])
    with pytest.raises(
        bb.SpecError, match=r"H must have shape \(n, K\) = \(n, 3\).*KalmanSpec\(K=2\)"
    ):
        KalmanSpec(3).estimate_initial_state(H, y)
    with pytest.raises(bb.SpecError, match="K must be a positive integer"):
        KalmanSpec(0)
    with pytest.raises(bb.SpecError, match=r"P0 must have shape \(2, 2\)"):
        KalmanSpec(2).set_initial_state([0, 0], np.eye(3))


def test_target_among_factors(df, seed_spec):
    with pytest.raises(bb.DataError, match="both the target and a factor"):
        KalmanEngine(seed_spec).run(df, "Mkt-RF", FACTORS)


# ---------------------------------------------------------------------------- the chapter's filter


def test_control_input_and_two_measurements_by_hand():
    """``x_t = A x_(t-1) + B u_t + w``, ``z_t = H x_t + v`` with m = 2: two steps in NumPy."""
    from bayes_beta.classical import discrete_kalman

    A = np.array([[1.0, 0.1], [0.0, 1.0]])
    B = np.array([[0.005], [0.1]])
    H = np.array([[1.0, 0.0], [0.5, 1.0]])
    Q, R = np.diag([0.01, 0.02]), np.array([[0.1, 0.02], [0.02, 0.2]])
    x0, P0 = np.array([0.0, 1.0]), np.eye(2)
    u = np.array([[1.0], [-0.5]])
    z = np.array([[0.2, 1.3], [0.35, 1.1]])

    out = discrete_kalman(z, A, H, Q, R, x0, P0, B=B, u=u)
    x, P, ll = x0, P0, 0.0
    for t in range(2):
        x_pred = A @ x + B @ u[t]  # predict
        P_pred = A @ P @ A.T + Q
        v = z[t] - H @ x_pred  # correct
        S = H @ P_pred @ H.T + R
        K = P_pred @ H.T @ np.linalg.inv(S)
        x = x_pred + K @ v
        P = (np.eye(2) - K @ H) @ P_pred
        ll += -0.5 * (2 * np.log(2 * np.pi) + np.log(np.linalg.det(S)) + v @ np.linalg.solve(S, v))
        np.testing.assert_allclose(out.beta_filt[t], x, rtol=1e-12)
        np.testing.assert_allclose(out.P_filt[t], P, rtol=1e-12)
    assert out.loglik == pytest.approx(ll, rel=1e-12)
