"""Stress: long series, extreme scales and a long gap; covariances stay symmetric PSD and every
result is finite (or a named error). Long runs are under ``-m slow``."""

import resource
import time

import numpy as np
import pytest

import bayes_beta as bb


def _spec(K=2, scale=1.0):
    return bb.StateSpace.random_walk(Q=np.eye(K) * (0.01 * scale) ** 2, R=[[(0.5 * scale) ** 2]],
                                     b0=np.zeros(K), P0=np.eye(K) * scale**2)


def _check_psd(P, name):
    np.testing.assert_array_equal(P, np.swapaxes(P, -1, -2), err_msg=f"{name} not symmetric")
    eig = np.linalg.eigvalsh(P)
    scale = np.abs(P).max(axis=(-1, -2))[:, None]
    assert np.all(eig >= -1e-12 * np.maximum(scale, 1e-300)), f"{name}: {eig.min():.3g}"


def _data(n, K=2, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, K))
    return bb.simulate(_spec(K, scale), H, seed=seed).y, H


@pytest.mark.parametrize("scale", [1e-4, 1e4])
def test_extreme_scales_give_the_same_exposures(scale):
    """Returns and noise scaled by s: exposures (in return units per factor unit) scale by s,
    the log-likelihood shifts by -n log s, and nothing overflows."""
    y, H = _data(500)
    base = bb.kalman_smoother(y, H, _spec())
    scaled = bb.kalman_smoother(y * scale, H, _spec(scale=scale))
    np.testing.assert_allclose(scaled.beta_smooth, base.beta_smooth * scale, rtol=1e-8)
    assert scaled.loglik == pytest.approx(base.loglik - len(y) * np.log(scale), rel=1e-10)
    _check_psd(scaled.P_smooth, "P_smooth")


def test_a_gap_of_1200_steps():
    y, H = _data(2000)
    y[400:1600] = np.nan
    res = bb.kalman_smoother(y, H, _spec())
    assert np.isfinite(res.loglik) and np.isfinite(res.beta_smooth).all()
    np.testing.assert_allclose(res.loglik_t[400:1600], 0.0)
    # in the gap the random walk's predicted variance grows by Q each step
    growth = np.diff(res.P_pred[401:1600, 0, 0])
    np.testing.assert_allclose(growth, 0.01**2, rtol=1e-6)
    for name in ("P_pred", "P_filt", "P_smooth"):
        _check_psd(getattr(res, name), name)
    paths = bb.sample_paths(y, H, _spec(), draws=3, seed=1)
    assert np.isfinite(paths).all()


@pytest.mark.slow
def test_one_hundred_thousand_steps():
    y, H = _data(100_000)
    times = {}
    for name, fn in (("filter", bb.kalman_filter), ("smoother", bb.kalman_smoother)):
        fn(y[:50], H[:50], _spec())  # compile
        start = time.perf_counter()
        res = fn(y, H, _spec())
        times[name] = time.perf_counter() - start
        for m in ("P_pred", "P_filt", "P_smooth"):
            if hasattr(res, m):
                _check_psd(getattr(res, m), m)
    start = time.perf_counter()
    paths = bb.sample_paths(y, H, _spec(), draws=2, seed=0)
    times["paths"] = time.perf_counter() - start
    assert np.isfinite(paths).all() and np.isfinite(res.loglik)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"n = 100,000: filter {times['filter']:.2f} s, smoother {times['smoother']:.2f} s, "
          f"2 path draws {times['paths']:.2f} s; peak resident memory {peak:.0f} MB")
    assert times["filter"] < 0.8 * times["smoother"]
