"""The propagation kernels (filter, smoother and path passes over many draws) equal the pytensor
reference graphs, also with gaps, mean reversion, a dense T and singular covariances."""

import numpy as np
import pytest

from bayes_beta.kalman.propagate import (
    draw_normals,
    filter_pass,
    loglik_draws,
    propagate_draws,
    propagate_seeded,
)
from bayes_beta.specs.statespace import psd_factor
from tests.kalman.reference import propagate_reference


def _inputs(kind, S=3, n=40, K=2, seed=0):
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, K))
    y = rng.normal(size=n)
    y[[3, 4, n - 1]] = np.nan
    H[10, 1] = np.nan
    Q_sqrt = rng.uniform(0.02, 0.2, (S, K))[:, :, None] * np.eye(K)
    b0 = rng.normal(size=(S, K))
    A = rng.normal(size=(K, K))
    P0 = np.broadcast_to(A @ A.T / K + 0.1 * np.eye(K), (S, K, K)).copy()
    c = np.zeros((S, K))
    T = np.ones((S, K))
    if kind == "mean_reverting":
        T = rng.uniform(0.5, 0.99, (S, K))
        c = (1 - T) * rng.normal(size=(S, K))
    elif kind == "dense":
        T = np.eye(K) + 0.1 * rng.normal(size=(S, K, K))
        L = rng.normal(size=(S, K, K)) * 0.1
        Q_sqrt = np.tril(L)
    elif kind == "static":  # known static exposures: Q = 0 and P0 = 0
        Q_sqrt = np.zeros((S, K, K))
        P0 = np.zeros((S, K, K))
    r_sqrt = rng.uniform(0.3, 1.0, (S, 1))
    z = (rng.normal(size=(S, K)), rng.normal(size=(S, n, K)), rng.normal(size=(S, n)))
    return (y, H, T, Q_sqrt, r_sqrt, b0, P0, np.ascontiguousarray(psd_factor(P0)), c, *z)


NAMES = ["loglik_t", "path", "beta_filt", "var_filt", "beta_smooth", "var_smooth"]


@pytest.mark.parametrize("kind", ["random_walk", "mean_reverting", "dense"])
def test_kernel_equals_the_reference_graphs(kind):
    args = _inputs(kind)
    for name, x, z in zip(NAMES, propagate_draws(*args), propagate_reference(*args),
                          strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("kind", ["random_walk", "mean_reverting", "dense"])
def test_seeded_kernel_equals_the_kernel_on_its_normals(kind):
    """Normals drawn inside the kernel from per-draw seeds are those of ``draw_normals``; the
    outputs equal the reference graphs run on them, and ``filtered_draw`` is
    ``beta_filt + sqrt(var_filt) z_filt``."""
    args = _inputs(kind)
    seeds = np.array([11, 12, 2**32 - 1], dtype=np.uint32)
    n, K = args[1].shape
    z0, z_eta, z_eps, z_filt = draw_normals(seeds, n, K)
    assert z_eta.std() == pytest.approx(1.0, abs=0.15) and not np.allclose(z_eta[0], z_eta[1])
    ll, path, fdraw, b_filt, v_filt, b_smooth, v_smooth = propagate_seeded(*args[:9], seeds)
    ref = propagate_reference(*args[:9], z0, z_eta, z_eps)
    for name, x, z in zip(NAMES, (ll, path, b_filt, v_filt, b_smooth, v_smooth), ref,
                          strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-10, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(fdraw, b_filt + np.sqrt(v_filt) * z_filt, rtol=1e-12)


def test_static_exposures_are_known_exactly():
    """Q = 0 and P0 = 0: the exposures are b0 at every step, with zero variance (the smoother
    never factorises the singular P_pred)."""
    args = _inputs("static")
    ll, path, b_filt, v_filt, b_smooth, v_smooth = propagate_draws(*args)
    b0 = args[5]
    for x in (path, b_filt, b_smooth):
        np.testing.assert_allclose(x, np.broadcast_to(b0[:, None, :], x.shape), atol=1e-12)
    np.testing.assert_allclose(v_filt, 0.0, atol=1e-15)
    np.testing.assert_allclose(v_smooth, 0.0, atol=1e-15)
    assert np.all(np.isfinite(ll))


def test_filter_only_loglik_equals_the_full_pass():
    args = _inputs("mean_reverting", S=5)
    y, H, T, Q_sqrt, r_sqrt, b0, P0, _, c = args[:9]
    full = propagate_draws(*args)[0]
    np.testing.assert_allclose(loglik_draws(y, H, T, Q_sqrt, r_sqrt, b0, P0, c), full,
                               rtol=1e-13)


def test_per_step_observation_noise_equals_a_constant_one():
    args = list(_inputs("random_walk"))
    n = len(args[0])
    constant = propagate_draws(*args)
    args[4] = np.repeat(args[4], n, axis=1)  # r_sqrt given per step, all equal
    for name, x, z in zip(NAMES, propagate_draws(*args), constant, strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-13, err_msg=name)


def test_filter_pass_runs_as_plain_python():
    """The compiled pass equals its own source (and the step library) run by the interpreter."""
    y, H, T, Q_sqrt, r_sqrt, b0, P0 = _inputs("dense", S=1)[:7]
    n, K = H.shape

    def run(fn):
        st = (np.empty((n, K)), np.empty((n, K, K)), np.empty((n, K)), np.empty(n),
              np.empty(n), np.empty(n, dtype=bool))
        out = (np.empty((n, K)), np.empty((n, K)), np.empty(n))
        fn(y, H, T[0], Q_sqrt[0] @ Q_sqrt[0].T, r_sqrt[0] ** 2, b0[0], P0[0], np.zeros(K), st,
           *out, K)
        return out

    for x, z in zip(run(filter_pass), run(filter_pass.py_func), strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-12)
