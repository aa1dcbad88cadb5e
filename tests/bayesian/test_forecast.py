"""``Fit.forecast``: future dates at the data's frequency, simulated futures against the exact
moments, a scenario with known exposures, the future observation variance of every volatility
model against its closed form, the one-step checks against a NumPy mixture, bad arguments named
before any work."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

import bayes_beta as bb
from bayes_beta.bayesian.volatility import get_volatility
from bayes_beta.errors import ArgumentError

FACTORS = ["f1", "f2"]
BETA = np.array([1.2, -0.3])
NOISE = 0.004
SMALL = {"draws": 150, "tune": 150, "chains": 2, "progress": False, "check": False}
SAMPLE = ("chain", "draw")


def _fund(n=300, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2010-01-01", periods=n, freq="W-FRI")
    H = rng.normal(0, 0.02, (n, 2))
    y = H @ BETA + rng.normal(0, NOISE, n)  # static exposures
    return pd.DataFrame({"fund": y, "f1": H[:, 0], "f2": H[:, 1]}, index=idx)


@pytest.fixture(scope="module")
def fit():
    return bb.fit(_fund(), "fund", FACTORS, "tight", seed=3, volatility="constant", **SMALL)


@pytest.fixture(scope="module")
def garch_fit():
    df = _fund()
    # a last return 10 noise sds off: v_n^2 >> r_n, so the first forecast step's variance
    # omega + alpha v_n^2 + gamma r_n is far from r_n and a wrong start shows
    df.iloc[-1, 0] += 10 * NOISE
    return bb.fit(df, "fund", FACTORS, "tight", seed=3, volatility="garch", **SMALL)


def _future(fit, h=8, seed=5):
    rng = np.random.default_rng(seed)
    dates = pd.date_range(fit.design.time[-1], periods=h + 1, freq="W-FRI")[1:]
    return pd.DataFrame(rng.normal(0, 0.02, (h, 2)), index=dates, columns=FACTORS)


def _draws(fit, like):
    """The posterior draws of the (chain, draw) pairs of ``like``, stacked into ``sample``."""
    post = fit.tree["posterior"].to_dataset().sel(chain=like["chain"], draw=like["draw"])
    return post.stack(sample=SAMPLE).transpose("sample", ...)


def _per_sample(da):
    return da.stack(sample=SAMPLE).transpose("sample", ...).values


def _numpy_filter(design, q, r0, garch=None):
    """A plain NumPy Kalman filter of a random walk, vectorised over S draws: ``q`` (S, K)
    state variances, ``r0`` (S,) the observation variance (constant, or the GARCH start) and
    ``garch`` = (omega, alpha, gamma) (S,) each for R_t = omega + alpha v_(t-1)^2 + gamma
    R_(t-1). Returns innovations and their variances (S, n), the last R_t, v_t, mean and
    covariance."""
    y, H = design.y, design.H
    assert np.isfinite(y).all() and np.isfinite(H).all()
    S, K = q.shape
    b = np.broadcast_to(design.b0, (S, K)).copy()
    P = np.broadcast_to(design.P0, (S, K, K)).copy()
    Q = q[:, :, None] * np.eye(K)
    r, v = np.array(r0, dtype=float), np.zeros(S)
    vs, Fs = np.empty((S, len(y))), np.empty((S, len(y)))
    for t in range(len(y)):
        if t and garch is not None:
            omega, alpha, gamma = garch
            r = omega + alpha * v**2 + gamma * r
        P = P + Q
        v = y[t] - b @ H[t]
        F = np.einsum("i,sij,j->s", H[t], P, H[t]) + r
        g = P @ H[t] / F[:, None]
        b = b + g * v[:, None]
        P = P - g[:, :, None] * g[:, None, :] * F[:, None, None]
        vs[:, t], Fs[:, t] = v, F
    return vs, Fs, r, v, b, P


def test_dates_continue_at_the_data_frequency(fit):
    fc = fit.forecast(steps=6, seed=1)
    want = pd.date_range(fit.design.time[-1], periods=7, freq="W-FRI")[1:]
    pd.testing.assert_index_equal(pd.DatetimeIndex(fc["time"].values), want, check_names=False,
                                  check_freq=False)
    assert fc["exposure"].dims == ("chain", "draw", "time", "factor")
    assert "return" not in fc and fc.attrs["prob"] == 0.9


def test_simulated_futures_agree_with_the_exact_mean(fit):
    fc = fit.forecast(factors=_future(fit), seed=2)
    n_draws = fc.sizes["chain"] * fc.sizes["draw"]
    se = fc["exposure"].std(SAMPLE) / np.sqrt(n_draws)
    assert (abs(fc["exposure"].mean(SAMPLE) - fc["exposure_mean"]) < 4.5 * se).all()
    se_r = fc["return"].std(SAMPLE) / np.sqrt(n_draws)
    assert (abs(fc["return"].mean(SAMPLE) - fc["return_mean"]) < 4.5 * se_r).all()
    assert ((fc["exposure_lower"] < fc["exposure_mean"])
            & (fc["exposure_mean"] < fc["exposure_upper"])).all()
    # the exposure sd grows with the horizon (the random walk adds Q each step)
    assert (fc["exposure_sd"].diff("time") > 0).all()


def test_random_walk_forecast_is_each_draws_last_filtered_state_plus_drift(fit):
    """Random walk: beta_(n+h) | draw s ~ N(b_n, P_n + h Q) with b_n, P_n the draw's last
    filtered state (a NumPy filter); the mean over draws is the mean of b_n, the variance
    E[P_n] + h E[Q] + Var(b_n), and the simulated draws standardise to N(0, 1)."""
    steps = 6
    fc = fit.forecast(steps=steps, seed=7)
    post = _draws(fit, fc)
    q = post["sigma_state"].values ** 2
    _, _, _, _, b_n, P_n = _numpy_filter(fit.design, q, post["sigma_obs"].values ** 2)
    h = np.arange(1, steps + 1)[:, None]
    np.testing.assert_allclose(fc["exposure_mean"].values, np.tile(b_n.mean(0), (steps, 1)),
                               rtol=1e-9)
    p_n = np.diagonal(P_n, axis1=1, axis2=2)
    var = p_n.mean(0) + h * q.mean(0) + b_n.var(0)
    np.testing.assert_allclose(fc["exposure_sd"].values ** 2, var, rtol=1e-9)
    # each draw's future: mean b_n, variance P_n + h Q (diagonal entries); ten seeds give ten
    # independent futures per draw (one horizon, one factor at a time: independent samples)
    beta = np.concatenate([_per_sample(fit.forecast(steps=steps, seed=seed)["exposure"])
                           for seed in range(10)])  # (10 S, h, K)
    w = (beta - np.tile(b_n, (10, 1))[:, None, :]) / np.sqrt(
        np.tile(p_n, (10, 1))[:, None, :] + h[None] * np.tile(q, (10, 1))[:, None, :])
    for j in (0, steps - 1):
        for k in range(len(FACTORS)):
            assert stats.kstest(w[:, j, k], "norm").pvalue > 1e-3, (j, k)
            assert w[:, j, k].var() == pytest.approx(1.0, abs=5 * np.sqrt(2 / len(w)))


def test_a_scenario_with_known_exposures_gives_their_return(fit):
    future = _future(fit)
    fc = fit.forecast(factors=future, seed=4)
    want = future.to_numpy() @ BETA
    sd = np.sqrt((future.to_numpy() ** 2 * fc["exposure_sd"].values ** 2).sum(1))
    assert np.all(np.abs(fc["return_mean"].values - want) < 4 * sd + 1e-4)
    np.testing.assert_allclose(fc["return_mean"].values,
                               (future.to_numpy() * fc["exposure_mean"].values).sum(1),
                               rtol=1e-10)


def test_garch_forecast_variance_continues_the_recursion_from_the_last_innovation(garch_fit):
    """With zero factor returns the simulated return is sqrt(r_(n+j)) eps_j, and the filter's
    innovation of it is the return itself, so r_(n+1) = omega + alpha v_n^2 + gamma r_n (v_n,
    r_n from a NumPy GARCH filter of each draw) and r_(n+j+1) = omega + alpha ret_j^2 + gamma
    r_(n+j): the returns divided by these sds are standard normal."""
    fit, steps = garch_fit, 20
    dates = pd.date_range(fit.design.time[-1], periods=steps + 1, freq="W-FRI")[1:]
    fc = fit.forecast(factors=pd.DataFrame(0.0, index=dates, columns=FACTORS), seed=1)
    post = _draws(fit, fc)
    r_bar, p = post["sigma_obs"].values ** 2, post["garch_persistence"].values
    omega, alpha, gamma = r_bar * (1 - p), post["garch_alpha"].values, post["garch_gamma"].values
    np.testing.assert_allclose(alpha + gamma, p, rtol=1e-12)
    _, _, r_n, v_n, _, _ = _numpy_filter(fit.design, post["sigma_state"].values ** 2, r_bar,
                                         garch=(omega, alpha, gamma))
    ret = _per_sample(fc["return"])
    r = np.empty_like(ret)
    r[:, 0] = omega + alpha * v_n**2 + gamma * r_n
    for j in range(1, steps):
        r[:, j] = omega + alpha * ret[:, j - 1] ** 2 + gamma * r[:, j - 1]
    w = ret / np.sqrt(r)
    assert stats.kstest(w[:, 0], "norm").pvalue > 1e-3
    assert stats.kstest(w.ravel(), "norm").pvalue > 1e-3
    assert w.var() == pytest.approx(1.0, abs=5 * np.sqrt(2 / w.size))
    # the outlier makes the first step informative: starting from r_n instead is rejected
    assert np.median(r[:, 0] / r_n) > 2
    assert stats.kstest(ret[:, 0] / np.sqrt(r_n), "norm").pvalue < 1e-3


# ------------------------------------------------------------------ future_r of each model
S_GROUP = 20_000  # draws per parameter group in the future_r checks


def _namespace(multiplier_column=None, level=0.8, y_unit=0.02, steps_per_year=52.0):
    """The parts of a fit that ``future_r`` reads."""
    return SimpleNamespace(
        variant=SimpleNamespace(volatility=bb.VolatilityPrior(level=level)),
        design=SimpleNamespace(y_unit=y_unit, steps_per_year=steps_per_year,
                               multiplier_column=multiplier_column))


def _groups(**values):
    """A dict of draws: the first S_GROUP draws take the first value of every entry, the rest
    the second."""
    return {k: np.repeat(np.asarray(v, dtype=float), S_GROUP) for k, v in values.items()}


def test_future_variance_of_the_constant_and_garch_models():
    rng = np.random.default_rng(0)
    kept = {"sigma_obs": rng.uniform(0.5, 2.0, 50), "garch_persistence": rng.uniform(0.8, 0.99, 50),
            "garch_alpha": rng.uniform(0.01, 0.2, 50), "garch_gamma": rng.uniform(0.5, 0.8, 50)}
    r_n = rng.uniform(0.5, 2.0, 50)
    garch, r = get_volatility("constant").future_r(_namespace(), kept, r_n, 4, None, rng)
    assert garch is None
    np.testing.assert_array_equal(r, np.tile(kept["sigma_obs"][:, None] ** 2, (1, 4)))
    garch, r = get_volatility("garch").future_r(_namespace(), kept, r_n, 4, None, rng)
    assert r is None and garch.shape == (50, 3)
    want = np.column_stack([kept["sigma_obs"] ** 2 * (1 - kept["garch_persistence"]),
                            kept["garch_alpha"], kept["garch_gamma"]])
    np.testing.assert_allclose(garch, want, rtol=1e-14)


def test_future_variance_of_the_known_model_is_the_multiple_and_needs_the_column():
    rng = np.random.default_rng(1)
    kept = {"sigma_obs": rng.uniform(0.5, 2.0, 30)}
    mult = np.array([0.5, 1.0, 3.0])
    model = get_volatility("known")
    garch, r = model.future_r(_namespace("rv"), kept, np.ones(30), 3, mult, rng)
    assert garch is None
    np.testing.assert_allclose(r, kept["sigma_obs"][:, None] ** 2 * mult[None, :], rtol=1e-14)
    with pytest.raises(bb.ArgumentError, match="'rv'"):
        model.future_r(_namespace("rv"), kept, np.ones(30), 3, None, rng)


def test_future_variance_of_the_student_t_model_is_sigma2_times_inverse_gamma():
    """r = sigma_obs^2 lambda, lambda ~ InvGamma(nu/2, nu/2) per draw and step, independent."""
    steps, nus, sigmas = 3, (4.0, 12.0), (0.5, 2.0)
    kept = _groups(t_nu=nus, sigma_obs=sigmas)
    r_n = np.ones(2 * S_GROUP)
    garch, r = get_volatility("student_t").future_r(_namespace(), kept, r_n, steps, None,
                                                    np.random.default_rng(2))
    assert garch is None and r.shape == (2 * S_GROUP, steps)
    for g, (nu, sigma) in enumerate(zip(nus, sigmas, strict=True)):
        lam = r[g * S_GROUP:(g + 1) * S_GROUP] / sigma**2
        law = stats.invgamma(nu / 2, scale=nu / 2)
        for j in range(steps):
            assert stats.kstest(lam[:, j], law.cdf).pvalue > 1e-3, (nu, j)
            assert np.median(lam[:, j]) == pytest.approx(law.median(), rel=0.03)
        if nu > 4:  # a finite variance: the mean nu / (nu - 2) within 5 standard errors
            assert lam.mean() == pytest.approx(law.mean(), abs=5 * law.std() / np.sqrt(lam.size))
        assert abs(np.corrcoef(np.log(lam[:, 0]), np.log(lam[:, 1]))[0, 1]) < 0.03


def test_future_variance_of_the_stochastic_model_continues_the_ar1_from_r_n():
    """log r_(n+h) = base + x_h, x_0 = log r_n - base, x_h = phi x_(h-1) + sd eps: Gaussian with
    mean base + phi^h x_0 and variance sd^2 (1 - phi^(2h)) / (1 - phi^2), base = 2 log(level
    y_unit) + vol_level, sd = vol_of_vol / sqrt(steps per year)."""
    fit, steps = _namespace(level=0.8, y_unit=0.02, steps_per_year=52.0), 10
    phis, vovs, levels, starts = (0.9, 0.99), (1.0, 3.0), (0.3, -0.5), (4.0, -2.0)
    kept = _groups(vol_persistence=phis, vol_of_vol=vovs, vol_level=levels)
    base = 2 * np.log(0.8 * 0.02) + np.repeat(levels, S_GROUP)
    r_n = np.exp(base + np.repeat(starts, S_GROUP))  # far from the level: the pull shows
    garch, r = get_volatility("stochastic").future_r(fit, kept, r_n, steps, None,
                                                     np.random.default_rng(3))
    assert garch is None and r.shape == (2 * S_GROUP, steps)
    for g in range(2):
        rows = slice(g * S_GROUP, (g + 1) * S_GROUP)
        phi, sd = phis[g], vovs[g] / np.sqrt(52.0)
        for h in (1, 2, steps):
            mean = base[rows][0] + phi**h * starts[g]
            var = sd**2 * (1 - phi ** (2 * h)) / (1 - phi**2)
            w = (np.log(r[rows, h - 1]) - mean) / np.sqrt(var)
            assert stats.kstest(w, "norm").pvalue > 1e-3, (g, h)
        # successive steps share the path: corr(x_1, x_steps) = phi^(steps-1) sqrt(var_1/var_h)
        x = np.log(r[rows]) - base[rows][:, None]
        want = phi ** (steps - 1) * np.sqrt((1 - phi**2) / (1 - phi ** (2 * steps)))
        assert np.corrcoef(x[:, 0], x[:, -1])[0, 1] == pytest.approx(want, abs=0.03)


# ------------------------------------------------------------------ bad input, figures, checks
def test_bad_arguments_are_named(fit):
    with pytest.raises(ArgumentError, match="steps=h"):
        fit.forecast()
    future = _future(fit)
    with pytest.raises(ArgumentError, match="must start after"):
        fit.forecast(factors=future.set_axis(fit.design.time[-8:]))
    with pytest.raises(bb.DataError, match="f2"):
        fit.forecast(factors=future.drop(columns="f2"))
    with pytest.raises(ArgumentError, match="steps=3 but factors has 8 rows"):
        fit.forecast(steps=3, factors=future)
    with pytest.raises(ArgumentError, match="steps"):
        fit.forecast(steps=0)
    assert list(future.columns) == FACTORS  # the caller's frame is left alone


def test_attribution_and_forecast_figures_draw_their_arrays(fit):
    import matplotlib.pyplot as plt

    fc = fit.forecast(factors=_future(fit), seed=6)
    fig = fit.plot_forecast(fc, history=52)
    assert len(fig.axes) == 3  # two factors and the return
    line = fig.axes[0].lines[1]  # the forecast mean
    np.testing.assert_allclose(line.get_ydata(), fc["exposure_mean"].sel(factor="f1").values)
    att = fit.attribution("Q", source="filtered")
    assert att.attrs["source"] == "filtered" and att.sizes["component"] == 3
    fig2 = fit.plot_attribution(att)
    bars = [p.get_height() for p in fig2.axes[0].patches[: att.sizes["period"]]]
    np.testing.assert_allclose(bars, att["mean"].sel(component="f1").values)
    plt.close("all")


def test_checks_equal_a_numpy_mixture_of_one_step_predictives(fit):
    """With every posterior draw (draws above their number), the PIT is the mean over draws of
    Phi(v_t / sqrt(S_t)) from a NumPy filter; coverage, CUSUM paths and bounds follow from it
    (Brown-Durbin-Evans a = 0.948 at 5%), and the right model covers near the nominal rates."""
    import matplotlib.pyplot as plt

    ch = fit.checks(draws=10_000, alpha=0.05)
    post = fit.tree["posterior"].to_dataset().stack(sample=SAMPLE).transpose("sample", ...)
    v, F, *_ = _numpy_filter(fit.design, post["sigma_state"].values ** 2,
                             post["sigma_obs"].values ** 2)
    pit = special.ndtr(v / np.sqrt(F)).mean(0)
    np.testing.assert_allclose(ch.pit.values, pit, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ch.z.values, special.ndtri(pit), rtol=1e-7, atol=1e-9)
    years = pd.DatetimeIndex(fit.design.time).year
    for prob in (0.5, 0.9):
        inside = pd.Series((pit >= (1 - prob) / 2) & (pit <= (1 + prob) / 2), index=years)
        col = ch.coverage[f"{prob:.0%}"]
        np.testing.assert_allclose(col.drop("all").to_numpy(dtype=float),
                                   inside.groupby(level=0).mean().to_numpy(), rtol=1e-12)
        assert col["all"] == pytest.approx(inside.mean(), rel=1e-12)
        # static exposures and Gaussian noise: the model is right, binomial tolerance
        assert abs(col["all"] - prob) < 3.5 * np.sqrt(prob * (1 - prob) / len(pit)), (prob, col)
    w = special.ndtri(pit)[fit.design.K:]
    m, x = len(w), np.arange(1, len(w) + 1)
    assert len(ch.cusum) == m
    np.testing.assert_allclose(ch.cusum["cusum"], np.cumsum(w) / np.std(w, ddof=1), rtol=1e-7,
                               atol=1e-9)
    np.testing.assert_allclose(ch.cusum["cusum_squares"], np.cumsum(w**2) / np.sum(w**2),
                               rtol=1e-7)
    np.testing.assert_allclose(ch.cusum["upper"], 0.948 * (np.sqrt(m) + 2 * x / np.sqrt(m)))
    np.testing.assert_allclose(ch.cusum["lower"], -ch.cusum["upper"])
    assert ch.summary["kurtosis"] == pytest.approx(stats.kurtosis(special.ndtri(pit),
                                                                  fisher=False), rel=1e-7)
    fig = ch.plot()
    np.testing.assert_allclose(fig.axes[-2].lines[0].get_ydata(), ch.cusum["cusum"].to_numpy())
    plt.close("all")
