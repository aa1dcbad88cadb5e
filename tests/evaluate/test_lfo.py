"""Leave-future-out CV on simulated random-walk exposures: approximate vs exact, prior ranking."""

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

import bayes_beta as bb
from bayes_beta.bayesian.sampling import run
from bayes_beta.data import make_design
from bayes_beta.evaluate import Refitter, lfo_cv

N = 80
TRUE_STATE = 0.08  # per-step sd of both exposures' random walks
TRUE_OBS = 0.2
TINY = dict(draws=150, tune=150, chains=2)


def simulated_design():
    rng = np.random.default_rng(3)
    H = rng.normal(size=(N, 2))
    spec = bb.StateSpace.random_walk(
        Q=np.eye(2) * TRUE_STATE**2, R=[[TRUE_OBS**2]], b0=[1.0, -0.5], P0=np.zeros((2, 2))
    )
    sim = bb.simulate(spec, H, seed=4)
    idx = pd.date_range("2001-01-05", periods=N, freq="W-FRI")
    df = pd.DataFrame({"y": sim.y, "f1": H[:, 0], "f2": H[:, 1]}, index=idx)
    return make_design(df, "y", ["f1", "f2"])


def lognormal_variant(design, name, factor=1.0, log_sd=0.5):
    """LogNormal priors centred on ``factor`` x the true noise scales (in the design's units)."""
    state_scale = factor * TRUE_STATE / float(np.mean(design.state_unit))
    return bb.PriorVariant(
        name,
        state=bb.NoisePrior("lognormal", state_scale, log_sd=log_sd),
        obs=bb.NoisePrior("lognormal", TRUE_OBS / design.y_unit, log_sd=0.5),
    )


@pytest.fixture(scope="module")
def centred():
    design = simulated_design()
    refitter = Refitter(design, lognormal_variant(design, "centred"), seed=5, **TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bb.SamplingWarning)
        fit = refitter.fit()
    return design, refitter, fit


def test_refit_samples_the_model_of_the_masked_data(centred):
    """A refit on y_{1:50} (the model data swapped) gives the same draws as a model built on a
    design whose later y are NaN."""
    from bayes_beta.bayesian.model import model_from_design

    design, refitter, _ = centred
    y = design.y.copy()
    y[refitter.observed[50]:] = np.nan
    masked = dataclasses.replace(design, y=y)
    refit = refitter.sample(50, seed=9)["posterior"]
    direct = run(model_from_design(masked, refitter.variant), seed=9, progress=False,
                 **refitter.settings)["posterior"]
    for name in ("sigma_obs", "sigma_state"):
        np.testing.assert_array_equal(refit[name].values, direct[name].values)


def test_refit_terms_are_the_fit_log_likelihood(centred):
    _, refitter, fit = centred
    ll = refitter.loglik_t(fit.tree["posterior"].to_dataset())
    np.testing.assert_allclose(ll, fit.tree["log_likelihood"]["y"].values, rtol=1e-10)


def test_approx_lfo_agrees_with_exact_within_its_se(centred):
    """Few forecast origins: exact refits at each of them, PSIS mostly needs none."""
    _, refitter, fit = centred
    L = N - 14
    approx = lfo_cv(fit, min_train=L, refitter=refitter)
    exact = lfo_cv(fit, min_train=L, refitter=refitter, method="exact")
    assert exact.n_refits == 14 and approx.n_refits < 14
    assert approx.n_data_points == exact.n_data_points == 14
    assert abs(approx.elpd - exact.elpd) < exact.se, (approx.elpd, exact.elpd, exact.se)
    np.testing.assert_allclose(approx.elpd_i, exact.elpd_i, atol=0.5)


def test_approx_refits_whenever_k_exceeds_the_threshold(centred):
    """With a threshold below any Pareto k, PSIS-LFO refits at every origin: it is exact."""
    _, refitter, fit = centred
    L = N - 10
    always = lfo_cv(fit, min_train=L, refitter=refitter, k_threshold=-1.0)
    exact = lfo_cv(fit, min_train=L, refitter=refitter, method="exact")
    assert always.n_refits == 9  # the first fit on y_1..L is not counted
    np.testing.assert_allclose(always.elpd_i, exact.elpd_i, rtol=1e-12)


def test_min_train_must_leave_the_initial_window_alone(centred):
    design, refitter, fit = centred
    with pytest.raises(bb.DataError, match="initial-state window"):
        lfo_cv(fit, min_train=design.init_window - 1, refitter=refitter)
    with pytest.raises(bb.DataError, match="min_train"):
        lfo_cv(fit, min_train=N, refitter=refitter)
    with pytest.raises(bb.ArgumentError, match="method"):
        lfo_cv(fit, method="loo", refitter=refitter)


def test_centred_prior_does_not_lose_to_a_misplaced_one(centred):
    """A LogNormal drift prior 30x too small (and tight) forecasts worse than the true scale."""
    design, refitter, fit = centred
    bad = Refitter(design, lognormal_variant(design, "misplaced", 1 / 30, log_sd=0.3), seed=5,
                   **TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bb.SamplingWarning)
        bad_fit = bad.fit()
    L = 40
    good_lfo = lfo_cv(fit, min_train=L, refitter=refitter)
    bad_lfo = lfo_cv(bad_fit, min_train=L, refitter=bad)
    diff = good_lfo.elpd_i.values - bad_lfo.elpd_i.values
    se = np.sqrt(len(diff) * diff.var())
    print(f"centred {good_lfo.elpd:.2f} ({good_lfo.n_refits} refits) vs misplaced "
          f"{bad_lfo.elpd:.2f} ({bad_lfo.n_refits} refits); diff {diff.sum():.2f} +- {se:.2f}")
    assert diff.sum() > 0


@pytest.mark.slow
def test_approx_lfo_agrees_with_exact_from_half_the_sample(centred):
    _, refitter, fit = centred
    approx = lfo_cv(fit, min_train=40, refitter=refitter)
    exact = lfo_cv(fit, min_train=40, refitter=refitter, method="exact")
    print(f"approx {approx.elpd:.3f} ({approx.n_refits} refits) exact {exact.elpd:.3f} "
          f"+- {exact.se:.3f}")
    assert exact.n_refits == N - 40
    assert abs(approx.elpd - exact.elpd) < exact.se
