"""Maximum-likelihood noise of the classical workflow: gradients, recovery, statsmodels, boundary."""

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.statespace.mlemodel import MLEModel

import bayes_beta as bb
from bayes_beta.classical import BoundaryWarning, KalmanSpec, fit_noise_mle, noise_loglik

TRUE_SD = np.array([0.05, 0.02, 0.5])  # sqrt(Q_11), sqrt(Q_22), sqrt(R)
B0, P0 = np.array([1.0, 0.5]), 0.1 * np.eye(2)


def _true_spec(state_sd=TRUE_SD[:2], obs_sd=TRUE_SD[2]):
    return bb.StateSpace.random_walk(Q=np.diag(np.square(state_sd)), R=[[obs_sd**2]], b0=B0, P0=P0)


def _simulate(n, seed, spec=None):
    H = np.random.default_rng(1000 + seed).normal(size=(n, 2))
    sim = bb.simulate(spec or _true_spec(), H, seed=seed)
    return sim.y, H


def _mle_sds(y, H, **kw):
    res = fit_noise_mle(y, H, _true_spec(), **kw)
    return np.r_[np.sqrt(np.diag(res.Q)), np.sqrt(res.R[0, 0])], res


# ---------------------------------------------------------------------------- gradients


def test_gradient_matches_finite_differences():
    y, H = _simulate(80, seed=3)
    y[10] = np.nan  # a missing step must not break the gradient
    spec = _true_spec()
    log_q, log_r = np.log([0.01, 0.003]), np.log(0.3)
    _, g_q, g_r = noise_loglik(y, H, spec, log_q, log_r)
    eps = 1e-5

    def ll(lq, lr):
        return noise_loglik(y, H, spec, lq, lr)[0]

    fd_q = [
        (ll(log_q + eps * e, log_r) - ll(log_q - eps * e, log_r)) / (2 * eps) for e in np.eye(2)
    ]
    fd_r = (ll(log_q, log_r + eps) - ll(log_q, log_r - eps)) / (2 * eps)
    np.testing.assert_allclose(g_q, fd_q, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(g_r, fd_r, rtol=1e-6, atol=1e-7)


def test_noise_loglik_equals_the_filter():
    y, H = _simulate(60, seed=4)
    spec = _true_spec()
    ll, _, _ = noise_loglik(y, H, spec, np.log(np.diag(spec.Q)), np.log(spec.R[0, 0]))
    assert ll == pytest.approx(bb.kalman_filter(y, H, spec).loglik, rel=1e-12)


def test_fixed_states_keep_their_variance_and_get_no_gradient():
    y, H = _simulate(50, seed=5)
    spec = _true_spec()
    _, g_q, _ = noise_loglik(y, H, spec, np.log([0.01, 1e6]), 0.0, free_q=[True, False])
    assert g_q[1] == 0.0 and g_q[0] != 0.0
    res = fit_noise_mle(y, H, spec, free_q=[True, False], n_starts=1, warn=False)
    assert res.Q[1, 1] == spec.Q[1, 1]
    assert res.names == ("Q[beta_0]", "R")


# ---------------------------------------------------------------------------- recovery


def test_mle_recovers_known_noise_and_improves_with_n():
    """Mean |log(sd_hat / sd_true)| over three simulated data sets, at n = 200 and n = 2000."""
    errors = {}
    for n in (200, 2000):
        errs = []
        for seed in range(3):
            y, H = _simulate(n, seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", BoundaryWarning)  # small n may hit q = 0
                sds, res = _mle_sds(y, H, n_starts=2)
            assert res.converged
            errs.append(np.abs(np.log(sds / TRUE_SD)))
        errors[n] = np.mean(errs, axis=0)
    print("mean |log error| of (sd_q1, sd_q2, sd_r):", errors)
    assert errors[2000].mean() < errors[200].mean()
    assert np.all(errors[2000] < 0.2)  # within 20% of the truth at n = 2000


def test_all_starts_reach_the_same_optimum_on_real_data():
    df = bb.datasets.load_example()
    spec = KalmanSpec(2, "MLE").set_noise_from_mle(df, "Util", ["Mkt-RF", "d10y"], n_starts=3)
    lls = spec.mle.loglik_starts
    assert np.ptp(lls) < 1e-6 * abs(lls.max())
    assert spec.mle.loglik == pytest.approx(lls.max())


# ---------------------------------------------------------------------------- statsmodels


class NoiseMLE(MLEModel):
    """``y_t = H_t beta_t + eps``, random-walk ``beta`` with diagonal ``Q``; params ``(q, r)``.

    statsmodels starts from the predicted state of step 1: ``a_1 = b0``, ``P_1 = P0 + Q``.
    """

    def __init__(self, y, H, b0, P0):
        _n, K = H.shape
        super().__init__(
            endog=y,
            k_states=K,
            k_posdef=K,
            initialization="known",
            initial_state=b0,
            initial_state_cov=P0,
        )
        self.b0, self.P0, self.K = b0, P0, K
        self["design"] = H.T[None, :, :]
        self["transition"] = np.eye(K)
        self["selection"] = np.eye(K)

    @property
    def start_params(self):
        return np.r_[np.full(self.K, 1e-4), np.var(self.endog) / 2]

    def transform_params(self, unconstrained):
        return np.exp(unconstrained)

    def untransform_params(self, constrained):
        return np.log(constrained)

    def update(self, params, **kwargs):
        params = super().update(params, **kwargs)
        Q = np.diag(params[: self.K])
        self["state_cov"] = Q
        self["obs_cov"] = params[self.K :].reshape(1, 1)
        self.ssm.initialize_known(self.b0, self.P0 + Q)


def test_mle_loglik_at_least_statsmodels_optimum():
    df = bb.datasets.load_example()
    y, H = df["Util"].to_numpy(), df[["Mkt-RF", "d10y"]].to_numpy()
    spec = KalmanSpec(2, "MLE").estimate_initial_state(H, y)
    spec.set_noise_from_mle(df, "Util", ["Mkt-RF", "d10y"], n_starts=2)
    sm = NoiseMLE(y, H, spec.b0, spec.P0).fit(method="lbfgs", maxiter=2000, disp=False)
    diff = spec.mle.loglik - sm.llf
    print(f"loglik: ours {spec.mle.loglik:.6f}, statsmodels {sm.llf:.6f}, difference {diff:.3g}")
    assert diff >= -1e-6
    # both evaluate the same likelihood: ours at statsmodels' optimum equals its llf
    q, r = sm.params[:2], sm.params[2]
    ll_at_sm, _, _ = noise_loglik(y, H, spec.to_state_space(), np.log(q), np.log(r))
    assert ll_at_sm == pytest.approx(sm.llf, rel=1e-9)


# ---------------------------------------------------------------------------- boundary, spec


def test_boundary_warning_names_the_static_factor():
    spec = _true_spec(state_sd=np.array([0.05, 0.0]))
    y, H = _simulate(400, seed=7, spec=spec)
    df = pd.DataFrame(
        {"y": y, "fast": H[:, 0], "static": H[:, 1]},
        index=pd.date_range("2000-01-07", periods=len(y), freq="W-FRI"),
    )
    ks = KalmanSpec(2, "boundary").set_initial_state(B0, P0)
    with pytest.warns(BoundaryWarning, match=r"Q\[static\].*static exposure"):
        ks.set_noise_from_mle(df, "y", ["fast", "static"], n_starts=2)
    assert ks.mle.at_boundary == ("Q[static]",)
    assert np.sqrt(ks.Q[1, 1]) < 1e-4 * np.std(y) / np.std(H[:, 1])
    assert issubclass(BoundaryWarning, UserWarning)


@pytest.mark.filterwarnings("ignore::bayes_beta.classical.BoundaryWarning")  # 2012-: static
def test_set_q_and_set_r_from_mle_share_one_optimisation():
    df = bb.datasets.load_example(start="2012")
    args = (df, "Util", ["Mkt-RF", "d10y"])
    ks = KalmanSpec(2, "q only").set_Q_from_mle(*args, n_starts=1)
    assert ks.R is None and ks.Q is not None and ks.sources["Q"] == "mle"
    first = ks.mle
    ks.set_R_from_mle(*args, n_starts=1)
    assert ks.mle is first  # same data and options: the joint optimum is reused
    np.testing.assert_array_equal(ks.R, first.R)
    both = KalmanSpec(2, "both").set_noise_from_mle(*args, n_starts=1)
    np.testing.assert_allclose(both.Q, ks.Q)
    np.testing.assert_allclose(both.R, ks.R)
    assert df.equals(bb.datasets.load_example(start="2012"))  # not mutated
