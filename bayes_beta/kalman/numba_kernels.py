"""Numba kernels for scalar-observation models: filter, RTS smoother and Durbin-Koopman draws
for many parameter draws at once (the posterior propagation hot path).

Same equations as the pytensor graphs in :mod:`bayes_beta.kalman.filter` and
:mod:`bayes_beta.kalman.smoother` (the tests hold them equal), specialised to ``m = 1``:
``S = h P_pred h' + r`` is a number; the update is Joseph form
``P_filt = (I - k h) P_pred (I - k h)' + r k k'``; NaN in ``y_t`` or ``H_t`` skips it; the
smoother gain ``J_t = P_filt_t T' P_pred(t+1)^-1`` comes from a Cholesky solve. Loops are
written out over the small ``K x K`` matrices so the inner steps allocate nothing. One draw per
parallel iteration; compiled once and cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

LOG_2PI = float(np.log(2.0 * np.pi))


@njit(cache=True, inline="always", error_model="numpy")
def _sandwich(A, P, out, tmp):
    """out = A P A' (lower triangle computed, then mirrored: exactly symmetric)."""
    K = P.shape[0]
    for i in range(K):
        for j in range(K):
            s = 0.0
            for k in range(K):
                s += A[i, k] * P[k, j]
            tmp[i, j] = s
    for i in range(K):
        for j in range(i + 1):
            s = 0.0
            for k in range(K):
                s += tmp[i, k] * A[j, k]
            out[i, j] = s
            out[j, i] = s


@njit(cache=True, inline="always", error_model="numpy")
def _cholesky(P, L):
    K = P.shape[0]
    for j in range(K):
        s = P[j, j]
        for k in range(j):
            s -= L[j, k] * L[j, k]
        L[j, j] = np.sqrt(s)
        for i in range(j + 1, K):
            s = P[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            L[i, j] = s / L[j, j]
        for i in range(j):
            L[i, j] = 0.0


@njit(cache=True, inline="always", error_model="numpy")
def _cho_solve_columns(L, B, X):
    """X = (L L')^-1 B, column by column (forward then backward substitution)."""
    K, M = B.shape
    for c in range(M):
        for i in range(K):
            s = B[i, c]
            for k in range(i):
                s -= L[i, k] * X[k, c]
            X[i, c] = s / L[i, i]
        for i in range(K - 1, -1, -1):
            s = X[i, c]
            for k in range(i + 1, K):
                s -= L[k, i] * X[k, c]
            X[i, c] = s / L[i, i]


@njit(cache=True, error_model="numpy")
def _one_draw(
    y,
    H,
    T,
    Q_sqrt,
    r_sqrt,
    b0,
    P0,
    P0_sqrt,
    Bu,
    z0,
    z_eta,
    z_eps,
    loglik_t,
    path,
    beta_filt,
    var_filt,
    beta_smooth,
    var_smooth,
):
    n, K = H.shape
    Q = Q_sqrt @ Q_sqrt.T
    r = r_sqrt * r_sqrt
    bp = np.empty((n, K))
    Pp = np.empty((n, K, K))
    Pf = np.empty((n, K, K))
    gain = np.zeros((n, K))
    observed = np.empty(n, dtype=np.bool_)
    J = np.empty((n, K, K))
    A = np.empty((K, K))
    tmp = np.empty((K, K))
    tmp2 = np.empty((K, K))
    L = np.empty((K, K))
    Ph = np.empty(K)
    b = b0.copy()
    P = P0.copy()
    for t in range(n):  # ------------------------------------------------ filter
        for i in range(K):
            s = Bu[i]
            for k in range(K):
                s += T[i, k] * b[k]
            bp[t, i] = s
        _sandwich(T, P, Pp[t], tmp)
        for i in range(K):
            for j in range(K):
                Pp[t, i, j] += Q[i, j]
        ok = not np.isnan(y[t])
        for k in range(K):
            ok = ok and not np.isnan(H[t, k])
        observed[t] = ok
        if ok:
            S = r
            v = y[t]
            for i in range(K):
                s = 0.0
                for k in range(K):
                    s += Pp[t, i, k] * H[t, k]
                Ph[i] = s
                S += H[t, i] * s
                v -= H[t, i] * bp[t, i]
            for i in range(K):
                gain[t, i] = Ph[i] / S
                b[i] = bp[t, i] + gain[t, i] * v
                for j in range(K):
                    A[i, j] = (1.0 if i == j else 0.0) - gain[t, i] * H[t, j]
            _sandwich(A, Pp[t], Pf[t], tmp)
            for i in range(K):
                for j in range(K):
                    Pf[t, i, j] += r * gain[t, i] * gain[t, j]
            loglik_t[t] = -0.5 * (LOG_2PI + np.log(S) + v * v / S)
        else:
            for i in range(K):
                b[i] = bp[t, i]
                for j in range(K):
                    Pf[t, i, j] = Pp[t, i, j]
            loglik_t[t] = 0.0
        for i in range(K):
            beta_filt[t, i] = b[i]
            var_filt[t, i] = Pf[t, i, i]
        P = Pf[t]
    for i in range(K):  # ------------------------------------------------ RTS smoother
        beta_smooth[n - 1, i] = beta_filt[n - 1, i]
        var_smooth[n - 1, i] = Pf[n - 1, i, i]
    Ps = Pf[n - 1].copy()
    Ps_new = np.empty((K, K))
    d = np.empty(K)
    for t in range(n - 2, -1, -1):
        _cholesky(Pp[t + 1], L)
        for i in range(K):  # tmp = T Pf_t
            for j in range(K):
                s = 0.0
                for k in range(K):
                    s += T[i, k] * Pf[t, k, j]
                tmp[i, j] = s
        _cho_solve_columns(L, tmp, tmp2)  # tmp2 = J'
        for i in range(K):
            for j in range(K):
                J[t, i, j] = tmp2[j, i]
        for i in range(K):
            d[i] = beta_smooth[t + 1, i] - bp[t + 1, i]
            for j in range(K):
                A[i, j] = Ps[i, j] - Pp[t + 1, i, j]
        for i in range(K):
            s = beta_filt[t, i]
            for k in range(K):
                s += J[t, i, k] * d[k]
            beta_smooth[t, i] = s
        _sandwich(J[t], A, Ps_new, tmp)
        for i in range(K):
            for j in range(K):
                Ps[i, j] = Pf[t, i, j] + Ps_new[i, j]
            var_smooth[t, i] = Ps[i, i]
    # ---------------------------------------- Durbin-Koopman: beta+ and E0[beta | y - y+]
    bplus = b0 + P0_sqrt @ z0
    a = np.zeros(K)
    a_new = np.empty(K)
    a_pred = np.empty((n, K))
    a_filt = np.empty((n, K))
    for t in range(n):
        for i in range(K):
            s = Bu[i]
            for k in range(K):
                s += T[i, k] * bplus[k] + Q_sqrt[i, k] * z_eta[t, k]
            a_new[i] = s
            s = 0.0
            for k in range(K):
                s += T[i, k] * a[k]
            a_pred[t, i] = s
        for i in range(K):
            bplus[i] = a_new[i]
            path[t, i] = a_new[i]
        if observed[t]:
            v = y[t] - r_sqrt * z_eps[t]
            for k in range(K):
                v -= H[t, k] * (bplus[k] + a_pred[t, k])
            for i in range(K):
                a[i] = a_pred[t, i] + gain[t, i] * v
        else:
            for i in range(K):
                a[i] = a_pred[t, i]
        for i in range(K):
            a_filt[t, i] = a[i]
    for i in range(K):
        a[i] = a_filt[n - 1, i]
        path[n - 1, i] += a[i]
    for t in range(n - 2, -1, -1):
        for i in range(K):
            s = a_filt[t, i]
            for k in range(K):
                s += J[t, i, k] * (a[k] - a_pred[t + 1, k])
            a_new[i] = s
        for i in range(K):
            a[i] = a_new[i]
            path[t, i] += a[i]


@njit(cache=True, parallel=True, error_model="numpy")
def propagate_scalar(y, H, T, Q_sqrt, r_sqrt, b0, P0, P0_sqrt, Bu, z0, z_eta, z_eps):
    """All draws ``s``: filter, smoother and one path draw (see module docstring).

    Shapes: ``y`` (n,), ``H`` (n, K); per draw ``T, Q_sqrt, P0, P0_sqrt`` (S, K, K), ``r_sqrt``
    (S,), ``b0, Bu, z0`` (S, K), ``z_eta`` (S, n, K), ``z_eps`` (S, n). The observation offset is
    zero here (the Bayesian models carry none). Returns ``loglik_t`` (S, n) and ``path``,
    ``beta_filt``, ``var_filt``, ``beta_smooth``, ``var_smooth`` (S, n, K), where ``var_*`` are
    the diagonals of ``P_filt`` and ``P_smooth``.
    """
    S = T.shape[0]
    n, K = H.shape
    loglik_t = np.empty((S, n))
    path = np.empty((S, n, K))
    beta_filt = np.empty((S, n, K))
    var_filt = np.empty((S, n, K))
    beta_smooth = np.empty((S, n, K))
    var_smooth = np.empty((S, n, K))
    for s in prange(S):
        _one_draw(
            y,
            H,
            T[s],
            Q_sqrt[s],
            r_sqrt[s],
            b0[s],
            P0[s],
            P0_sqrt[s],
            Bu[s],
            z0[s],
            z_eta[s],
            z_eps[s],
            loglik_t[s],
            path[s],
            beta_filt[s],
            var_filt[s],
            beta_smooth[s],
            var_smooth[s],
        )
    return loglik_t, path, beta_filt, var_filt, beta_smooth, var_smooth
