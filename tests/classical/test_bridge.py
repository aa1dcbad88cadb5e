"""From the classical MLE to the Bayesian model: MLE-centred priors."""

import numpy as np
import pytest

import bayes_beta as bb
from bayes_beta.classical import BoundaryWarning, KalmanSpec, prior_from_mle
from bayes_beta.classical.bridge import mle_sds
from bayes_beta.data import make_design

TARGET, FACTORS = "Util", ["Mkt-RF", "d10y"]


@pytest.fixture(scope="module")
def df():
    return bb.datasets.load_example()


@pytest.fixture(scope="module")
def spec(df):
    return KalmanSpec(2, "MLE").set_noise_from_mle(df, TARGET, FACTORS, n_starts=1)


def test_prior_scales_are_mle_sds_in_data_units(df, spec):
    prior = prior_from_mle(spec, df, TARGET, FACTORS, log_sd=0.4, name="from mle")
    design = make_design(df, TARGET, FACTORS)
    state_sd, obs_sd = np.sqrt(np.diag(spec.Q)), float(np.sqrt(spec.R[0, 0]))
    assert isinstance(prior, bb.PriorVariant) and prior.name == "from mle"
    assert isinstance(prior.state.scale, tuple) and prior.state.family == "lognormal"
    np.testing.assert_allclose(prior.state.scale, state_sd / design.state_unit, rtol=1e-12)
    assert prior.obs.family == "lognormal" and prior.state.log_sd == prior.obs.log_sd == 0.4
    assert prior.obs.scale == pytest.approx(obs_sd / design.y_unit, rel=1e-12)


def test_prior_medians_are_the_mle_in_the_model(df, spec):
    import pymc as pm

    prior = prior_from_mle(spec, df, TARGET, FACTORS)
    model = bb.build_model(df, TARGET, FACTORS, priors=prior)
    state, obs = pm.draw([model["sigma_state"], model["sigma_obs"]], draws=4000, random_seed=1)
    np.testing.assert_allclose(np.median(state, axis=0), np.sqrt(np.diag(spec.Q)), rtol=0.05)
    assert np.median(obs) == pytest.approx(np.sqrt(spec.R[0, 0]), rel=0.05)


def test_values_from_a_dict_and_one_factor(df):
    prior = prior_from_mle({"state_sd": [0.02], "obs_sd": 0.01}, df, TARGET, ["Mkt-RF"])
    design = make_design(df, TARGET, ["Mkt-RF"])
    assert not isinstance(prior.state.scale, tuple)  # one factor: a plain scale
    assert prior.state.scale == pytest.approx(0.02 / design.state_unit[0])
    q, r = mle_sds({"Q": np.diag([4.0, 9.0]), "R": [[0.25]]})
    np.testing.assert_allclose(q, [2.0, 3.0])
    assert r == 0.5


def test_a_boundary_mle_gets_a_floor(df):
    with pytest.warns(BoundaryWarning, match=r"boundary for d10y \(0\).*min_scale = 0.002"):
        prior = prior_from_mle(
            {"state_sd": [0.02, 0.0], "obs_sd": 0.01}, df, TARGET, FACTORS, min_scale=0.002
        )
    assert prior.state.scale[1] == 0.002


def test_bad_values(df, spec):
    with pytest.raises(bb.SpecError, match=r"2 state sds but the design has K = 1"):
        prior_from_mle(spec, df, TARGET, ["Mkt-RF"])
    with pytest.raises(bb.SpecError, match="non-negative"):
        prior_from_mle({"state_sd": [-1.0, 0.1], "obs_sd": 0.01}, df, TARGET, FACTORS)
    with pytest.raises(bb.SpecError, match="no Q or R yet"):
        prior_from_mle(KalmanSpec(2), df, TARGET, FACTORS)
    with pytest.raises(bb.DataError, match="Cannot read noise sds"):
        prior_from_mle(3.0, df, TARGET, FACTORS)
