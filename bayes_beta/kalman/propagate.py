"""Numba kernels that run many parameter draws through the filter, the smoother and a joint path
draw (the posterior propagation hot path), built from :mod:`bayes_beta.kalman.steps`.

Three passes per draw, scalar observations (``m = 1``):

- **filter pass**: predict and Joseph update; stores ``beta_pred``, ``P_pred``, the gains
  ``k_t``, ``u_t = v_t / S_t``, ``S_t``; outputs ``l_t``, ``beta_filt`` and ``diag P_filt``;
- **smoother pass**: the backward ``r_t, N_t`` recursion; outputs ``beta_smooth`` and
  ``diag P_smooth`` (no ``P_pred`` is ever factorised, so singular ``Q``/``P0`` work);
- **path pass**: the Durbin-Koopman (2002) simulation smoother: draw ``beta+``, ``y+`` from the
  model, then ``path = beta+ + E0[beta | y - y+]``, the smoothed mean of the zero-mean model
  (``b0 = 0``, ``c = 0``) with the gains of the filter pass (they do not depend on ``y``). It
  needs square-root factors of ``Q``, ``r``, ``P0`` only.

The observation offset is zero (the Bayesian models carry none). ``r_sqrt`` holds per draw one
value for every step (S, 1) or one per step (S, n). One draw per parallel iteration; compiled
once and cached on disk.
"""

from __future__ import annotations

import numpy as np
from numba import literally, njit, prange

from bayes_beta.kalman.fused import garch_terms, loglik_terms
from bayes_beta.kalman.steps import (
    FASTMATH,
    loglik_term,
    observed,
    predict,
    simulate_step,
    skip_update,
    smooth_N,
    smooth_r,
    smoothed_mean,
    smoothed_var,
    transition,
    update,
)

__all__ = ["draw_normals", "filter_pass", "garch_variances", "innovation_draws", "loglik_draws",
           "path_pass", "propagate_draws", "propagate_seeded", "smoother_pass"]

_KERNEL = {"cache": True, "error_model": "numpy", "fastmath": FASTMATH}


@njit(**_KERNEL)
def filter_pass(y, H, T, Q, r, b0, P0, c, st, beta_filt, var_filt, loglik, K):
    """Filter of one draw; fills the stores ``st = (beta_pred, P_pred, gain, u, S, obs)`` and
    the outputs ``beta_filt`` (n, K), ``var_filt`` (n, K), ``loglik`` (n,)."""
    beta_pred, P_pred, gain, u, S_t, obs = st
    n = H.shape[0]
    rs = int(r.shape[0] > 1)
    b, P = b0.copy(), P0.copy()
    TP, W = np.empty((K, K)), np.empty((K, K))
    Ph, Wh = np.empty(K), np.empty(K)
    r_t = r[0]
    for t in range(n):
        predict(b, P, T, Q, c, beta_pred[t], P_pred[t], TP, K)
        obs[t] = observed(y, H, t, K)
        if obs[t]:
            if rs:
                r_t = r[t]
            v, S = update(y, H, t, r_t, beta_pred[t], P_pred[t], b, P, Ph, gain[t], W, Wh, K)
            u[t], S_t[t], loglik[t] = v / S, S, loglik_term(v, S)
        else:
            skip_update(beta_pred[t], P_pred[t], b, P, K)
            for i in range(K):
                gain[t, i] = 0.0
            u[t], S_t[t], loglik[t] = 0.0, 1.0, 0.0
        for i in range(K):
            beta_filt[t, i] = b[i]
            var_filt[t, i] = P[i, i]


@njit(**_KERNEL)
def smoother_pass(H, T, st, beta_smooth, var_smooth, K):
    """Backward ``r_t, N_t`` recursion over the stores of :func:`filter_pass`; fills
    ``beta_smooth`` (n, K) and ``var_smooth`` (n, K), the diagonal of ``P_smooth``."""
    beta_pred, P_pred, gain, u, S_t, obs = st
    n = H.shape[0]
    r, r_prev = np.zeros(K), np.empty(K)
    N, N_prev = np.zeros((K, K)), np.empty((K, K))
    M, NP, Mk = np.empty((K, K)), np.empty((K, K)), np.empty(K)
    mean, var = np.empty(K), np.empty(K)
    for t in range(n - 1, -1, -1):
        smooth_r(H, t, u[t], gain[t], obs[t], T, r, r_prev, K)
        smooth_N(H, t, S_t[t], gain[t], obs[t], T, N, N_prev, M, Mk, K)
        smoothed_mean(beta_pred[t], P_pred[t], r_prev, mean, K)
        smoothed_var(P_pred[t], N_prev, var, NP, K)
        for i in range(K):
            beta_smooth[t, i] = mean[i]
            var_smooth[t, i] = var[i]
        r, r_prev = r_prev, r  # the new r_t becomes the input of the step before
        N, N_prev = N_prev, N


@njit(**_KERNEL)
def path_pass(y, H, T, c, Q_sqrt, r_sqrt, b0, P0_sqrt, z, st, path, K):
    """One joint draw of ``beta_{1:n} | y`` into ``path`` (n, K); ``z = (z0, z_eta, z_eps)``
    standard normal draws (K,), (n, K), (n,); stores from :func:`filter_pass`."""
    z0, z_eta, z_eps = z
    _, P_pred, gain, _, S_t, obs = st
    n = H.shape[0]
    rs = int(r_sqrt.shape[0] > 1)
    zero, bnew = np.zeros(K), np.empty(K)
    bplus = b0 + P0_sqrt @ z0
    a = np.zeros(K)  # filtered mean of the zero-mean model on y - y+
    a_pred, u_star = np.empty((n, K)), np.zeros(n)
    for t in range(n):
        simulate_step(bplus, T, c, Q_sqrt, z_eta, t, bnew, K)
        transition(T, a, zero, a_pred[t], K)
        for i in range(K):
            bplus[i] = bnew[i]
            path[t, i] = bnew[i]
            a[i] = a_pred[t, i]
        if obs[t]:
            v = y[t] - r_sqrt[t * rs] * z_eps[t]
            for i in range(K):
                v -= H[t, i] * (bplus[i] + a_pred[t, i])
            u_star[t] = v / S_t[t]
            for i in range(K):
                a[i] += gain[t, i] * v
    r, r_prev, shift = np.zeros(K), np.empty(K), np.empty(K)
    for t in range(n - 1, -1, -1):
        smooth_r(H, t, u_star[t], gain[t], obs[t], T, r, r_prev, K)
        smoothed_mean(a_pred[t], P_pred[t], r_prev, shift, K)
        for i in range(K):
            path[t, i] += shift[i]
        r, r_prev = r_prev, r


@njit(**_KERNEL)
def _stores(n, K):
    return (np.empty((n, K)), np.empty((n, K, K)), np.empty((n, K)), np.empty(n),
            np.empty(n), np.empty(n, dtype=np.bool_))


@njit(**_KERNEL)
def _passes(y, H, T, Q_sqrt, r_sqrt, b0, P0, P0_sqrt, c, z, out, K):
    """The three passes of one draw; ``z = (z0, z_eta, z_eps)``, ``out = (loglik, path,
    beta_filt, var_filt, beta_smooth, var_smooth)``."""
    loglik, path, beta_filt, var_filt, beta_smooth, var_smooth = out
    st = _stores(H.shape[0], K)
    filter_pass(y, H, T, Q_sqrt @ Q_sqrt.T, r_sqrt * r_sqrt, b0, P0, c, st, beta_filt,
                var_filt, loglik, K)
    smoother_pass(H, T, st, beta_smooth, var_smooth, K)
    path_pass(y, H, T, c, Q_sqrt, r_sqrt, b0, P0_sqrt, z, st, path, K)


@njit(cache=True, parallel=True, error_model="numpy", fastmath=FASTMATH)
def _propagate(y, H, T, Q_sqrt, r_sqrt, b0, P0, P0_sqrt, c, z0, z_eta, z_eps, K):
    literally(K)  # compiled for each K: loops of fixed length
    S, n = T.shape[0], H.shape[0]
    loglik = np.empty((S, n))
    path, beta_filt, var_filt = np.empty((S, n, K)), np.empty((S, n, K)), np.empty((S, n, K))
    beta_smooth, var_smooth = np.empty((S, n, K)), np.empty((S, n, K))
    for s in prange(S):
        _passes(y, H, T[s], Q_sqrt[s], r_sqrt[s], b0[s], P0[s], P0_sqrt[s], c[s],
                (z0[s], z_eta[s], z_eps[s]),
                (loglik[s], path[s], beta_filt[s], var_filt[s], beta_smooth[s], var_smooth[s]), K)
    return loglik, path, beta_filt, var_filt, beta_smooth, var_smooth


def propagate_draws(y, H, T, Q_sqrt, r_sqrt, b0, P0, P0_sqrt, c, z0, z_eta, z_eps):
    """Every draw ``s`` through the three passes (module docstring).

    Shapes: ``y`` (n,), ``H`` (n, K); per draw ``T`` (S, K) (a diagonal ``T``) or (S, K, K),
    ``Q_sqrt, P0, P0_sqrt`` (S, K, K), ``r_sqrt`` (S, 1) or (S, n), ``b0, c, z0`` (S, K),
    ``z_eta`` (S, n, K), ``z_eps`` (S, n). Returns ``loglik_t`` (S, n) and ``path``,
    ``beta_filt``, ``var_filt``, ``beta_smooth``, ``var_smooth`` (S, n, K), where ``var_*``
    are the diagonals of ``P_filt`` and ``P_smooth``.
    """
    return _propagate(y, H, T, Q_sqrt, r_sqrt, b0, P0, P0_sqrt, c, z0, z_eta, z_eps,
                      H.shape[1])


@njit(**_KERNEL)
def _normals(seed, z0, z_eta, z_eps, z_filt):
    """Fill one draw's standard normals from numba's generator seeded with ``seed`` (in a
    parallel loop each thread has its own generator, so the numbers depend on ``seed`` only)."""
    np.random.seed(seed)  # noqa: NPY002 (numba: one generator per thread)
    for i in range(z0.shape[0]):
        z0[i] = np.random.standard_normal()  # noqa: NPY002
    for t in range(z_eta.shape[0]):
        for i in range(z_eta.shape[1]):
            z_eta[t, i] = np.random.standard_normal()  # noqa: NPY002
        z_eps[t] = np.random.standard_normal()  # noqa: NPY002
        for i in range(z_filt.shape[1]):
            z_filt[t, i] = np.random.standard_normal()  # noqa: NPY002


@njit(cache=True)
def _draw_normals(seeds, n, K):
    S = seeds.shape[0]
    z0, z_eta = np.empty((S, K)), np.empty((S, n, K))
    z_eps, z_filt = np.empty((S, n)), np.empty((S, n, K))
    for s in range(S):
        _normals(seeds[s], z0[s], z_eta[s], z_eps[s], z_filt[s])
    return z0, z_eta, z_eps, z_filt


def draw_normals(seeds, n: int, K: int):
    """The standard normals :func:`propagate_seeded` uses for the draws with ``seeds``:
    ``z0`` (S, K), ``z_eta`` (S, n, K), ``z_eps`` (S, n) and ``z_filt`` (S, n, K)."""
    return _draw_normals(np.asarray(seeds, dtype=np.uint32), n, K)


@njit(cache=True, parallel=True, error_model="numpy", fastmath=FASTMATH)
def _seeded(y, H, T, Q_sqrt, r_sqrt, b0, P0, P0_sqrt, c, seeds, out, K):
    literally(K)
    loglik, path, filt_draw, beta_filt, var_filt, beta_smooth, var_smooth = out
    n = H.shape[0]
    for s in prange(T.shape[0]):
        z0, z_eta, z_eps, z_filt = np.empty(K), np.empty((n, K)), np.empty(n), np.empty((n, K))
        _normals(seeds[s], z0, z_eta, z_eps, z_filt)
        _passes(y, H, T[s], Q_sqrt[s], r_sqrt[s], b0[s], P0[s], P0_sqrt[s], c[s],
                (z0, z_eta, z_eps),
                (loglik[s], path[s], beta_filt[s], var_filt[s], beta_smooth[s], var_smooth[s]), K)
        for t in range(n):
            for i in range(K):
                filt_draw[s, t, i] = beta_filt[s, t, i] + np.sqrt(
                    max(var_filt[s, t, i], 0.0)) * z_filt[t, i]


def propagate_seeded(y, H, T, Q_sqrt, r_sqrt, b0, P0, P0_sqrt, c, seeds, out=None):
    """:func:`propagate_draws` with each draw's normals drawn inside the kernel from its own
    seed (``seeds`` (S,) uint32; :func:`draw_normals` gives the same numbers), plus a
    ``filtered_draw = beta_filt + sqrt(diag P_filt) * z_filt``. Returns (or fills ``out``)
    ``loglik_t`` (S, n), ``path``, ``filtered_draw``, ``beta_filt``, ``var_filt``,
    ``beta_smooth``, ``var_smooth`` (S, n, K)."""
    S, (n, K) = T.shape[0], H.shape
    if out is None:
        out = (np.empty((S, n)), *(np.empty((S, n, K)) for _ in range(6)))
    _seeded(y, H, T, Q_sqrt, r_sqrt, b0, P0, P0_sqrt, c, np.asarray(seeds, dtype=np.uint32),
            out, K)
    return out


@njit(cache=True, parallel=True, error_model="numpy", fastmath=FASTMATH)
def _loglik(y, H, T, Q_sqrt, r_sqrt, b0, P0, c, K):
    literally(K)
    S = T.shape[0]
    out = np.empty((S, H.shape[0]))
    for s in prange(S):
        Q = Q_sqrt[s] @ Q_sqrt[s].T
        r = r_sqrt[s] * r_sqrt[s]
        out[s] = loglik_terms(y, H, T[s], Q, r, b0[s], P0[s], c[s : s + 1], K)
    return out


def loglik_draws(y, H, T, Q_sqrt, r_sqrt, b0, P0, c):
    """``l_t`` (S, n) of every draw: the filter alone (shapes as in :func:`propagate_draws`)."""
    return _loglik(y, H, T, Q_sqrt, r_sqrt, b0, P0, c, H.shape[1])


@njit(cache=True, parallel=True, error_model="numpy", fastmath=FASTMATH)
def _garch(y, H, T, Q_sqrt, garch, b0, P0, c, K):
    literally(K)
    S, n = T.shape[0], H.shape[0]
    r, ll = np.empty((S, n)), np.empty((S, n))
    for s in prange(S):
        Q = Q_sqrt[s] @ Q_sqrt[s].T
        params = (garch[s, 0], garch[s, 1], garch[s, 2], garch[s, 3])
        r[s], ll[s] = garch_terms(y, H, T[s], Q, params, b0[s], P0[s], c[s : s + 1], K)
    return r, ll


def garch_variances(y, H, T, Q_sqrt, garch, b0, P0, c):
    """``r_t`` and ``l_t`` (S, n) each of every draw's GARCH recursion on the data, from one
    filter pass (``garch`` (S, 4): omega, alpha, gamma, r0; other shapes as in
    :func:`propagate_draws`)."""
    return _garch(y, H, T, Q_sqrt, garch, b0, P0, c, H.shape[1])


@njit(cache=True, parallel=True, error_model="numpy", fastmath=FASTMATH)
def _innovations(y, H, T, Q_sqrt, r_sqrt, b0, P0, c, K):
    literally(K)
    S, n = T.shape[0], H.shape[0]
    v, S_t = np.empty((S, n)), np.empty((S, n))
    for s in prange(S):
        st = _stores(n, K)
        beta_filt, var_filt, loglik = np.empty((n, K)), np.empty((n, K)), np.empty(n)
        filter_pass(y, H, T[s], Q_sqrt[s] @ Q_sqrt[s].T, r_sqrt[s] * r_sqrt[s], b0[s], P0[s],
                    c[s], st, beta_filt, var_filt, loglik, K)
        u, S_s, obs = st[3], st[4], st[5]
        for t in range(n):
            v[s, t] = u[t] * S_s[t] if obs[t] else np.nan
            S_t[s, t] = S_s[t] if obs[t] else np.nan
    return v, S_t


def innovation_draws(y, H, T, Q_sqrt, r_sqrt, b0, P0, c):
    """One-step innovations ``v_t = y_t - H_t beta_pred`` and their variances
    ``S_t = H_t P_pred H_t' + r_t``, (S, n) each, NaN where the update was skipped (shapes as in
    :func:`propagate_draws`)."""
    return _innovations(y, H, T, Q_sqrt, r_sqrt, b0, P0, c, H.shape[1])
