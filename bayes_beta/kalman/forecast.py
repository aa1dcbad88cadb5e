"""Forecasts past the last observation, per parameter draw (numba kernels on the step library).

For a draw with matrices ``T, Q, c`` and the filter's last state ``beta_n | y_{1:n} ~
N(b_n, P_n)`` (:func:`final_states`), the exposures ``h`` steps ahead are Gaussian::

    E[beta_{n+h} | y_{1:n}]   = T^h b_n + sum_{j<h} T^j c
    Var[beta_{n+h} | y_{1:n}] = T^h P_n T^h' + sum_{j<h} T^j Q T^j'          (:func:`moments`)

and :func:`simulate` draws one joint future per draw: ``beta_n ~ N(b_n, P_n)``, then the state
equation ``beta_{n+j} = T beta_{n+j-1} + c + Q_sqrt z_j`` and, given factor returns ``H_{n+j}``,
the return ``y_{n+j} = H_{n+j} beta_{n+j} + sqrt(r_{n+j}) eps_j``. The observation variance
follows the draw's model: given per step (``r`` (S, h)), or GARCH(1, 1) on the filter's own
innovations, which the kernel obtains by running the filter forward on the simulated returns
(``r_{n+1} = omega + alpha v_n^2 + gamma r_n`` with the last observed innovation ``v_n``), so a
GARCH forecast is the model's exact predictive distribution, not a plug-in of expected variances.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from bayes_beta.kalman.steps import FASTMATH, observed, predict, skip_update, update
from bayes_beta.kalman.variance import variance_at, variance_is_recursive

__all__ = ["final_states", "moments", "simulate"]

_KERNEL = {"cache": True, "error_model": "numpy", "fastmath": FASTMATH}


@njit(**_KERNEL)
def _final(y, H, T, Q, r, b0, P0, c, K):
    """Last filtered mean and covariance, the last step's variance and innovation (NaN when
    ``y_n`` is unobserved) of one draw; ``r`` (n,) or (1,)."""
    n = H.shape[0]
    rs = int(r.shape[0] > 1)
    b, P = b0.copy(), P0.copy()
    bp, Ph, kg, Wh = np.empty(K), np.empty(K), np.empty(K), np.empty(K)
    Pp, TP, W = np.empty((K, K)), np.empty((K, K)), np.empty((K, K))
    v_last = np.nan
    for t in range(n):
        predict(b, P, T, Q, c, bp, Pp, TP, K)
        if observed(y, H, t, K):
            v_last, _ = update(y, H, t, r[t * rs], bp, Pp, b, P, Ph, kg, W, Wh, K)
        else:
            skip_update(bp, Pp, b, P, K)
            v_last = np.nan
    return b, P, r[(n - 1) * rs], v_last


@njit(cache=True, parallel=True, error_model="numpy", fastmath=FASTMATH)
def _finals(y, H, T, Q_sqrt, r_sqrt, b0, P0, c, K):
    S = T.shape[0]
    b, P = np.empty((S, K)), np.empty((S, K, K))
    r_last, v_last = np.empty(S), np.empty(S)
    for s in prange(S):
        out = _final(y, H, T[s], Q_sqrt[s] @ Q_sqrt[s].T, r_sqrt[s] * r_sqrt[s], b0[s], P0[s],
                     c[s], K)
        b[s], P[s], r_last[s], v_last[s] = out
    return b, P, r_last, v_last


def final_states(y, H, T, Q_sqrt, r_sqrt, b0, P0, c):
    """Per draw (leading axis S): ``b_n`` (S, K), ``P_n`` (S, K, K), the last step's
    observation variance ``r_n`` (S,) and innovation ``v_n`` (S,), NaN when ``y_n`` is missing.
    Shapes as in :func:`bayes_beta.kalman.propagate.propagate_draws` (``T`` (S, K) diagonal)."""
    return _finals(y, H, T, Q_sqrt, r_sqrt, b0, P0, c, H.shape[1])


def moments(b_n, P_n, T, Q, c, steps: int):
    """``(mean, cov)`` of ``beta_{n+h}`` for ``h = 0 .. steps``: (S, steps + 1, K) and
    (S, steps + 1, K, K), from (S, K) / (S, K, K) inputs with ``T`` (S, K) the diagonal."""
    S, K = b_n.shape
    mean, cov = np.empty((S, steps + 1, K)), np.empty((S, steps + 1, K, K))
    m, P = b_n.copy(), P_n.copy()
    for h in range(steps + 1):
        mean[:, h], cov[:, h] = m, P
        m = T * m + c
        P = T[:, :, None] * P * T[:, None, :] + Q
    return mean, cov


@njit(**_KERNEL)
def _one(T, Q_sqrt, c, b_n, L_n, Hf, r, r_n, v_n, z0, z, eps, beta, ret, K):
    """One draw's simulated future into ``beta`` (h, K) and ``ret`` (h,) (see the module
    docstring); ``Hf`` (h, K) or (0, K) when no factor returns are given; ``r`` the future
    variances (h,) or the GARCH tuple ``(omega, alpha, gamma, r_n)``
    (:func:`bayes_beta.kalman.variance.variance_at`)."""
    h = beta.shape[0]
    state = b_n + L_n @ z0
    with_returns = Hf.shape[0] > 0
    recursive = variance_is_recursive(r)
    bf, Pf = b_n.copy(), L_n @ L_n.T  # the filter's belief, for GARCH innovations
    Q = Q_sqrt @ Q_sqrt.T
    bp, Ph, kg, Wh = np.empty(K), np.empty(K), np.empty(K), np.empty(K)
    Pp, TP, W = np.empty((K, K)), np.empty((K, K)), np.empty((K, K))
    y_sim = np.empty(max(h, 1))
    r_prev, v2_prev = r_n, (v_n * v_n if not np.isnan(v_n) else r_n)
    for j in range(h):
        for i in range(K):
            acc = T[i] * state[i] + c[i]
            for q in range(K):
                acc += Q_sqrt[i, q] * z[j, q]
            beta[j, i] = acc
        for i in range(K):
            state[i] = beta[j, i]
        # step n + 1 + j of the recursion (never its start), or the given r[j]
        r_j = variance_at(r, j + 1, v2_prev, r_prev) if recursive else variance_at(r, j, 0.0, 0.0)
        if with_returns:
            y = np.sqrt(r_j) * eps[j]
            for i in range(K):
                y += Hf[j, i] * state[i]
            ret[j] = y
            y_sim[j] = y
            if recursive:
                predict(bf, Pf, T, Q, c, bp, Pp, TP, K)
                if observed(y_sim, Hf, j, K):
                    v, _ = update(y_sim, Hf, j, r_j, bp, Pp, bf, Pf, Ph, kg, W, Wh, K)
                    v2_prev = v * v
                else:
                    skip_update(bp, Pp, bf, Pf, K)
                    v2_prev = r_j
        r_prev = r_j


@njit(cache=True, parallel=True, error_model="numpy", fastmath=FASTMATH)
def _simulate_garch(T, Q_sqrt, c, b_n, L_n, Hf, garch, r_n, v_n, z0, z, eps, K):
    S, h = T.shape[0], z.shape[1]
    beta, ret = np.empty((S, h, K)), np.full((S, h), np.nan)
    for s in prange(S):
        r = (garch[s, 0], garch[s, 1], garch[s, 2], r_n[s])
        _one(T[s], Q_sqrt[s], c[s], b_n[s], L_n[s], Hf, r, r_n[s], v_n[s], z0[s], z[s], eps[s],
             beta[s], ret[s], K)
    return beta, ret


@njit(cache=True, parallel=True, error_model="numpy", fastmath=FASTMATH)
def _simulate_given(T, Q_sqrt, c, b_n, L_n, Hf, r_given, z0, z, eps, K):
    S, h = T.shape[0], z.shape[1]
    beta, ret = np.empty((S, h, K)), np.full((S, h), np.nan)
    for s in prange(S):
        _one(T[s], Q_sqrt[s], c[s], b_n[s], L_n[s], Hf, r_given[s], 1.0, np.nan, z0[s], z[s],
             eps[s], beta[s], ret[s], K)
    return beta, ret


def simulate(T, Q_sqrt, c, b_n, L_n, z0, z, eps, *, H_future=None, garch=None, r=None,
             r_n=None, v_n=None):
    """One simulated future per draw: exposures (S, h, K) and returns (S, h) (NaN without
    ``H_future`` (h, K)). ``L_n``: a square-root factor of ``P_n``; ``z0`` (S, K), ``z``
    (S, h, K), ``eps`` (S, h): standard normals. The observation variance: ``garch`` (S, 3)
    ``(omega, alpha, gamma)`` with ``r_n``, ``v_n`` (S,) from :func:`final_states`, or ``r``
    (S, h) given per step."""
    S, h, K = z.shape
    Hf = np.zeros((0, K)) if H_future is None else np.ascontiguousarray(H_future, dtype=float)
    args = [np.ascontiguousarray(a, dtype=float) for a in (T, Q_sqrt, c, b_n, L_n)]
    normals = [np.ascontiguousarray(a, dtype=float) for a in (z0, z, eps)]
    if garch is not None:
        rest = [np.ascontiguousarray(a, dtype=float) for a in (garch, r_n, v_n)]
        return _simulate_garch(*args, Hf, *rest, *normals, K)
    r = np.ones((S, h)) if r is None else np.ascontiguousarray(r, dtype=float)
    return _simulate_given(*args, Hf, r, *normals, K)
