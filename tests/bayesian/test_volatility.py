"""Moving observation volatility: each model's likelihood against independent references,
recovery of simulated volatility paths, the constant-data limit, the DataTree and bad input."""

import warnings

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.bayesian.model import model_setup
from tests.kalman.oracle import oracle
from tests.kalman.test_variance import _garch_reference

DRIFT = np.array([0.03, 0.015])  # per-step state noise sds
SETTINGS = dict(draws=250, tune=400, chains=2, progress=False)


def _frame(y, H, start="2000-01-07"):
    idx = pd.date_range(start, periods=len(y), freq="W-FRI")
    return pd.DataFrame({"fund": y, "f1": H[:, 0], "f2": H[:, 1]}, index=idx)


def simulate(n, r_t, seed):
    """Random-walk exposures and returns with a given observation variance path ``r_t``."""
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, 2))
    beta = np.array([1.0, -0.5]) + np.cumsum(DRIFT * rng.normal(size=(n, 2)), axis=0)
    y = (H * beta).sum(1) + np.sqrt(r_t) * rng.normal(size=n)
    return y, H, beta


def sv_path(n, seed, phi=0.97, sd=0.25, level=0.04):
    """An AR(1) log-variance path around ``log level``."""
    rng = np.random.default_rng(seed)
    x = np.empty(n)
    x[0] = sd / np.sqrt(1 - phi**2) * rng.normal()
    for t in range(1, n):
        x[t] = phi * x[t - 1] + sd * rng.normal()
    return level * np.exp(x)


def _fit(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bb.SamplingWarning)
        return bb.fit(df, "fund", ["f1", "f2"], seed=3, **SETTINGS, **kw)


def _coverage(bands, truth):
    return float(((bands["lower"] <= truth) & (truth <= bands["upper"])).mean())


def _getter(model, point):
    """Evaluate a model variable at ``point`` (the random variables replaced by their values)."""
    def get(name):
        [out] = model.replace_rvs_by_values([model[name]])
        return model.compile_fn(out, inputs=model.value_vars, on_unused_input="ignore")(point)
    return get


# ------------------------------------------------------------------ likelihoods of the models
@pytest.mark.parametrize("volatility", ["stochastic", "student_t", "known"])
def test_per_step_models_equal_the_dense_oracle(volatility):
    y, H, _ = simulate(60, np.full(60, 0.05), seed=1)
    y[[7, 30]] = np.nan
    df = _frame(y, H).assign(m=np.linspace(0.5, 2.0, 60))
    model = bb.build_model(df, "fund", ["f1", "f2"], volatility=volatility,
                           variance_multiplier="m" if volatility == "known" else None)
    point = model.initial_point()
    rng = np.random.default_rng(2)
    point = {k: v + 0.3 * rng.normal(size=np.shape(v)) for k, v in point.items()}
    get = _getter(model, point)
    r_t, loglik, sd = get("volatility") ** 2, get("loglik"), get("sigma_state")
    design = model_setup(model).design
    spec = bb.StateSpace.random_walk(Q=np.diag(sd**2), R=[[1.0]], b0=design.b0, P0=design.P0)
    ref, _, _ = oracle(design.y[:, None], design.H[:, None, :], spec, R_steps=r_t[:, None, None])
    assert loglik == pytest.approx(ref, rel=1e-10)
    if volatility == "known":
        seen = design.observed  # unobserved rows take multiplier 1 (they carry no likelihood)
        np.testing.assert_allclose(r_t[seen], get("sigma_obs") ** 2 * df["m"].to_numpy()[seen],
                                   rtol=1e-12)


def test_garch_model_equals_a_numpy_recursion():
    y, H, _ = simulate(80, np.full(80, 0.05), seed=4)
    y[10] = np.nan
    model = bb.build_model(_frame(y, H), "fund", ["f1", "f2"], volatility="garch")
    get = _getter(model, model.initial_point())
    design = model_setup(model).design
    p, r_bar = get("garch_persistence"), get("sigma_obs") ** 2
    garch = (r_bar * (1 - p), get("garch_alpha"), get("garch_gamma"), r_bar)
    K = 2
    ll = _garch_reference(design.y, design.H, np.ones(K), np.diag(get("sigma_state") ** 2),
                             garch, design.b0, design.P0, np.zeros(K))
    assert get("loglik") == pytest.approx(ll, rel=1e-10)


# ------------------------------------------------------------------ recovery
@pytest.fixture(scope="module")
def sv_case():
    n = 500
    r_t = sv_path(n, seed=5)
    y, H, beta = simulate(n, r_t, seed=6)
    df = _frame(y, H)
    return df, r_t, beta, _fit(df, volatility="stochastic"), _fit(df, volatility="constant")


def test_stochastic_volatility_recovers_the_path_and_the_drift(sv_case):
    _, r_t, beta, fit, _ = sv_case
    bands = fit.volatility(0.9, annualize=False)
    coverage = _coverage(bands, np.sqrt(r_t))
    print(f"stochastic: 90% volatility bands cover {coverage:.1%} of the true path")
    assert 0.80 <= coverage <= 0.97, f"90% volatility bands cover {coverage:.1%}"
    summ = fit.summary(prob=0.94)
    for k, name in enumerate(("f1", "f2")):
        row = summ.loc[f"sigma_state[{name}]"]
        assert row.iloc[2] <= DRIFT[k] <= row.iloc[3], (name, row)
    exposure = _coverage(fit.bands(0.9), beta)
    print(f"stochastic: 90% exposure bands cover {exposure:.1%} of the true path")
    assert 0.80 <= exposure <= 0.97, f"90% exposure bands cover {exposure:.1%}"


def test_the_volatility_path_is_in_the_tree_and_round_trips(sv_case, tmp_path):
    _, r_t, _, fit, constant = sv_case
    vol = fit.tree["posterior"]["volatility"]
    assert vol.dims == ("chain", "draw", "time") and vol.sizes["time"] == len(r_t)
    # propagation used each draw's own R_t: where the true variance is high the exposures are
    # less certain than under one constant R, where it is low more (the state variance ratio
    # follows the true variance path)
    ratio = np.log(fit.tree["exposures"]["smoothed_state_var"].values
                   / constant.tree["exposures"]["smoothed_state_var"].values)
    for k in range(ratio.shape[1]):
        corr = np.corrcoef(ratio[:, k], np.log(r_t))[0, 1]
        assert corr > 0.6, f"factor {k}: corr(log state-var ratio, log R_t) = {corr:.2f}"
    path = tmp_path / "sv.nc"
    fit.save(path)
    back = bb.load_fit(path)
    assert back.options.volatility == "stochastic"
    np.testing.assert_array_equal(back.volatility(0.9)["upper"], fit.volatility(0.9)["upper"])
    annual = fit.volatility(0.9)["median"] / fit.volatility(0.9, annualize=False)["median"]
    np.testing.assert_allclose(annual, np.sqrt(fit.design.steps_per_year), rtol=1e-12)


def _rts(y, H, q, r, b0, P0):
    """A NumPy Kalman filter and RTS smoother of a random walk, vectorised over S draws:
    ``q`` (S, K) state variances, ``r`` (S, n) observation variances. Returns the filtered and
    smoothed means (n, S, K) and variances (diagonals) and the per-step log-likelihood (S, n)."""
    S, K = q.shape
    Q = q[:, :, None] * np.eye(K)
    b, P = np.broadcast_to(b0, (S, K)).copy(), np.broadcast_to(P0, (S, K, K)).copy()
    n = len(y)
    bp, Pp = np.empty((n, S, K)), np.empty((n, S, K, K))
    bf, Pf = np.empty((n, S, K)), np.empty((n, S, K, K))
    ll = np.empty((n, S))
    for t in range(n):
        P = P + Q
        bp[t], Pp[t] = b, P
        v = y[t] - b @ H[t]
        F = np.einsum("i,sij,j->s", H[t], P, H[t]) + r[:, t]
        g = P @ H[t] / F[:, None]
        b = b + g * v[:, None]
        P = P - g[:, :, None] * g[:, None, :] * F[:, None, None]
        bf[t], Pf[t] = b, P
        ll[t] = -0.5 * (np.log(2 * np.pi * F) + v**2 / F)
    bs, Ps = bf.copy(), Pf.copy()
    for t in range(n - 2, -1, -1):
        J = Pf[t] @ np.linalg.inv(Pp[t + 1])
        bs[t] = bf[t] + np.einsum("sij,sj->si", J, bs[t + 1] - bp[t + 1])
        Ps[t] = Pf[t] + J @ (Ps[t + 1] - Pp[t + 1]) @ np.swapaxes(J, 1, 2)
    diag = lambda A: np.diagonal(A, axis1=2, axis2=3)  # noqa: E731
    return bf, diag(Pf), bs, diag(Ps), ll.T


def test_volatility_path_and_exposures_equal_numpy_references(sv_case):
    """The posterior ``volatility`` is exp(log R_t / 2) of the AR(1) built from each draw's
    ``vol_z``, persistence, vol-of-vol and level; the exposure moments and per-step
    log-likelihoods equal a NumPy filter/smoother run with each draw's own R_t path."""
    from bayes_beta.bayesian.propagate import stack_draws

    *_, fit, _ = sv_case
    post = stack_draws(fit.tree["posterior"].to_dataset())
    design = fit.design
    assert np.isfinite(design.y).all()
    z, phi = post["vol_z"].transpose("sample", "time").values, post["vol_persistence"].values
    sd = post["vol_of_vol"].values / np.sqrt(design.steps_per_year)
    x = np.empty_like(z)
    x[:, 0] = sd / np.sqrt(1 - phi**2) * z[:, 0]
    for t in range(1, z.shape[1]):
        x[:, t] = phi * x[:, t - 1] + sd * z[:, t]
    log_r = (2 * np.log(fit.variant.volatility.level * design.y_unit)
             + post["vol_level"].values[:, None] + x)
    vol = post["volatility"].transpose("sample", "time").values
    np.testing.assert_allclose(vol, np.exp(log_r / 2), rtol=1e-10)

    bf, vf, bs, vs, ll = _rts(design.y, design.H, post["sigma_state"].values ** 2, vol**2,
                              design.b0, design.P0)
    ex = fit.tree["exposures"]
    for name, ref in (("filtered_mean", bf.mean(1)), ("filtered_state_var", vf.mean(1)),
                      ("smoothed_mean", bs.mean(1)), ("smoothed_state_var", vs.mean(1)),
                      ("smoothed_param_var", bs.var(1))):
        np.testing.assert_allclose(ex[name].values, ref, rtol=1e-8, atol=1e-12, err_msg=name)
    loglik = fit.tree["log_likelihood"]["y"].stack(sample=("chain", "draw"))
    np.testing.assert_allclose(loglik.transpose("sample", "time").values, ll, rtol=1e-9)
    # the reference discriminates: one constant R per draw gives other smoothed means
    _, _, flat, _, _ = _rts(design.y, design.H, post["sigma_state"].values ** 2,
                            np.repeat((vol**2).mean(1, keepdims=True), vol.shape[1], axis=1),
                            design.b0, design.P0)
    assert np.abs(flat.mean(1) - ex["smoothed_mean"].values).max() > 0.01


def test_constant_model_volatility_is_flat_and_sigma_obs(sv_case):
    *_, constant = sv_case
    bands = constant.volatility(0.9, annualize=False)
    assert np.ptp(bands["median"].values) == 0.0
    sigma = constant.tree["posterior"]["sigma_obs"]
    assert float(bands["median"][0]) == pytest.approx(float(sigma.median()), rel=1e-12)


def test_garch_recovers_a_garch_path():
    """Data whose variance follows a GARCH(1, 1) of the filter's own innovations."""
    n, (omega, alpha, gamma) = 500, (0.004, 0.12, 0.8)
    rng = np.random.default_rng(8)
    H = rng.normal(size=(n, 2))
    Q = np.diag(DRIFT**2)
    beta, b, P = np.array([1.0, -0.5]), np.array([1.0, -0.5]), np.zeros((2, 2))
    y, r_t, betas = np.empty(n), np.empty(n), np.empty((n, 2))
    r, v_prev = omega / (1 - alpha - gamma), 0.0
    for t in range(n):
        beta = beta + DRIFT * rng.normal(size=2)
        betas[t] = beta
        if t:
            r = omega + alpha * v_prev**2 + gamma * r
        r_t[t] = r
        y[t] = H[t] @ beta + np.sqrt(r) * rng.normal()
        P = P + Q  # the filter's own innovation (the model's recursion)
        v_prev = y[t] - H[t] @ b
        S = H[t] @ P @ H[t] + r
        k = P @ H[t] / S
        b, P = b + k * v_prev, P - np.outer(k, k) * S
    fit = _fit(_frame(y, H), volatility="garch", initial=(np.array([1.0, -0.5]),
                                                          np.eye(2) * 1e-8))
    assert "volatility" in fit.tree["exposures"]
    bands = fit.volatility(0.9, annualize=False)
    coverage = _coverage(bands, np.sqrt(r_t))
    error = float(np.median(np.abs(np.log(bands["median"].values / np.sqrt(r_t)))))
    print(f"GARCH: 90% volatility bands cover {coverage:.1%} of the true path; median "
          f"|log error| of the median path {error:.3f}")
    # given the parameters the GARCH path is a function of the data: its band is the parameter
    # uncertainty alone, and covers the whole path or misses it in long stretches (no upper bound)
    assert coverage >= 0.80, f"90% GARCH volatility bands cover {coverage:.1%}"
    assert error < 0.1, error
    summ = fit.summary(prob=0.94)
    assert summ.loc["garch_alpha"].iloc[2] <= alpha <= summ.loc["garch_alpha"].iloc[3]


def test_constant_data_give_a_small_vol_of_vol_and_the_same_bands():
    n = 500
    y, H, _ = simulate(n, np.full(n, 0.04), seed=9)
    df = _frame(y, H)
    sv, constant = _fit(df, volatility="stochastic"), _fit(df, volatility="constant")
    vov = float(sv.tree["posterior"]["vol_of_vol"].median())
    assert vov < 0.35, f"vol-of-vol median {vov:.2f} per sqrt(year) on constant-variance data"
    width = lambda f: float((f.bands(0.9)["upper"] - f.bands(0.9)["lower"]).mean())  # noqa: E731
    ratio = width(sv) / width(constant)
    print(f"constant data: vol-of-vol median {vov:.3f}, band width ratio {ratio:.3f}")
    assert 0.9 <= ratio <= 1.1, f"exposure band width ratio {ratio:.3f}"


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("values, message", [
    (lambda m: m.where(m.index != m.index[5], -1.0), "row 5"),
    (lambda m: m.where(m.index != m.index[9], 0.0), "row 9"),
    (lambda m: m.where(m.index != m.index[3]), "row 3"),
])
def test_bad_known_multipliers_name_the_column(values, message):
    y, H, _ = simulate(60, np.full(60, 0.05), seed=1)
    df = _frame(y, H)
    df["rv"] = values(pd.Series(1.0, index=df.index))
    before = df.copy()
    with pytest.raises(bb.DataError, match=f"'rv'.*{message}"):
        bb.build_model(df, "fund", ["f1", "f2"], volatility="known", variance_multiplier="rv")
    pd.testing.assert_frame_equal(df, before)


def test_known_needs_a_present_column_and_other_models_refuse_one():
    y, H, _ = simulate(60, np.full(60, 0.05), seed=1)
    df = _frame(y, H)
    with pytest.raises(bb.BayesBetaError, match="variance_multiplier"):
        bb.build_model(df, "fund", ["f1", "f2"], volatility="known")
    with pytest.raises(bb.BayesBetaError, match="'rv'"):
        bb.build_model(df, "fund", ["f1", "f2"], volatility="known", variance_multiplier="rv")
    with pytest.raises(bb.BayesBetaError, match="volatility"):
        bb.build_model(df, "fund", ["f1", "f2"], volatility="sv")
    with pytest.raises(bb.BayesBetaError, match="known"):
        bb.build_model(df.assign(rv=1.0), "fund", ["f1", "f2"], variance_multiplier="rv")


def test_misaligned_multipliers_are_rejected():
    """A multiplier series on other dates than the frame leaves NaN on observed rows."""
    y, H, _ = simulate(60, np.full(60, 0.05), seed=1)
    df = _frame(y, H)
    shifted = pd.Series(1.0, index=df.index + pd.Timedelta(days=1))
    df["rv"] = shifted  # aligned by pandas on the index: every row is NaN
    with pytest.raises(bb.DataError, match="'rv'"):
        bb.fit(df, "fund", ["f1", "f2"], volatility="known", variance_multiplier="rv")


def test_predictive_checks_see_the_clustering_the_constant_model_misses(sv_case):
    *_, fit, constant = sv_case
    sv, const = bb.predictive_checks(fit).summary(), bb.predictive_checks(constant).summary()
    print("stochastic", sv, "constant", const)
    assert const["ljung_box_6"] > 2 * sv["ljung_box_6"], (const, sv)
    assert sv["ljung_box_6"] < 20 and abs(sv["coverage_90%"] - 0.9) < 0.04, sv
    assert sv["log_score"] > const["log_score"]


def test_draw_matrices_carry_each_draws_own_variance_path(sv_case):
    from bayes_beta.bayesian.propagate import draw_matrices, stack_draws

    _, r_t, _, fit, _ = sv_case
    stacked = stack_draws(fit.tree["posterior"].to_dataset())
    m = draw_matrices(stacked, fit.design, fit.options)
    assert m.r_sqrt.shape == (stacked.sizes["sample"], len(r_t))
    np.testing.assert_array_equal(m.r_sqrt, stacked["volatility"].transpose("sample", "time"))
