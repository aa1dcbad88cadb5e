"""The numba step library: one predict, one scalar update, one smoothing step and one simulation
step, shared by every kernel (the fused likelihood and the propagation passes).

Scalar observation (``m = 1``), seed notation; ``h`` is the row ``H_t``, ``c`` the constant
control input ``B u`` (``(1 - phi) mu`` for mean reversion, 0 for a random walk)::

    transition   x_next = T x + c
    predict      beta_pred = T beta_filt + c             P_pred = T P_filt T' + Q
    update       Ph = P_pred h    S = h' Ph + r    v = y - h' beta_pred    k = Ph / S
                 beta_filt = beta_pred + k v
                 P_filt = (I - k h') P_pred (I - k h')' + r k k'       (Joseph form)
    loglik       l = -1/2 (log 2 pi + log S + v^2 / S)
    smooth       r_prev = h v / S + (I - h k') T' r                   (Durbin & Koopman 2012,
                 N_prev = h h' / S + (I - h k') T' N T (I - k h')      sec. 4.4; r_n = N_n = 0)
                 beta_smooth = beta_pred + P_pred r_prev
                 P_smooth    = P_pred - P_pred N_prev P_pred
    simulate     beta+ = T beta+_prev + c + Q_sqrt z

The Joseph update is evaluated in factored form with rank-one products, ``W = P_pred - k Ph'``
(that is ``(I - k h') P_pred``), then ``P_filt = W - (W h) k' + r k k'``: O(K^2) per step.
``T`` is passed as a vector when it is diagonal (random walk, per-factor mean reversion) and
as a matrix otherwise; numba compiles each step for the one it gets (no branch in the loops),
and with a diagonal ``T`` every step is O(K^2). The smoother never factorises ``P_pred``, so singular ``Q`` and ``P0``
(static exposures) work. Symmetric matrices are computed on and below the diagonal and
mirrored, so they are exactly symmetric. An unobserved step (NaN in ``y_t`` or ``h``) skips the
update and the ``h`` terms of the smoothing step.

Every function writes into buffers given by the caller (no allocation) and is inlined into its
caller by numba, so ``K`` passed as a compile-time constant gives loops of fixed length. Rows
of time-indexed arrays (``H``, ``z``) are read as ``H[t, j]``, never as a slice ``H[t]``: a
slice of an array shared by parallel threads would touch its reference count at every step.
The functions also run as plain Python (the tests compare both).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.extending import overload

from bayes_beta.kalman.constants import LOG_2PI

__all__ = [
    "FASTMATH",
    "LOG_2PI",
    "loglik_term",
    "observed",
    "predict",
    "sandwich",
    "simulate_step",
    "skip_update",
    "smooth_N",
    "smooth_r",
    "smoothed_mean",
    "smoothed_var",
    "transition",
    "transpose_times",
    "update",
]

# LLVM may reassociate sums, contract multiply-adds and use reciprocals; not "nnan"/"ninf", so
# the NaN tests that skip missing observations keep their meaning.
FASTMATH = {"nsz", "arcp", "contract", "reassoc"}
_STEP = {"inline": "always", "error_model": "numpy", "fastmath": FASTMATH, "cache": True}
_ON_T = {"inline": "always"}  # overloads: compiled with the caller's flags


def _transition_diag(T, x, c, out, K):
    for i in range(K):
        out[i] = T[i] * x[i] + c[i]


def _transition_dense(T, x, c, out, K):
    for i in range(K):
        acc = c[i]
        for j in range(K):
            acc += T[i, j] * x[j]
        out[i] = acc


def transition(T, x, c, out, K):
    """``out = T x + c`` (``c`` may be zeros)."""
    (_transition_diag if T.ndim == 1 else _transition_dense)(T, x, c, out, K)


@overload(transition, **_ON_T)
def _transition(T, x, c, out, K):
    return _transition_diag if T.ndim == 1 else _transition_dense


def _predict_diag(beta_filt, P_filt, T, Q, c, beta_pred, P_pred, TP, K):
    for i in range(K):
        beta_pred[i] = T[i] * beta_filt[i] + c[i]
        for j in range(i + 1):
            s = T[i] * T[j] * P_filt[i, j] + Q[i, j]
            P_pred[i, j] = s
            P_pred[j, i] = s


def _predict_dense(beta_filt, P_filt, T, Q, c, beta_pred, P_pred, TP, K):
    for i in range(K):
        s = c[i]
        for j in range(K):
            s += T[i, j] * beta_filt[j]
        beta_pred[i] = s
        for j in range(K):
            s = 0.0
            for q in range(K):
                s += T[i, q] * P_filt[q, j]
            TP[i, j] = s
    for i in range(K):
        for j in range(i + 1):
            s = Q[i, j]
            for q in range(K):
                s += TP[i, q] * T[j, q]
            P_pred[i, j] = s
            P_pred[j, i] = s


def predict(beta_filt, P_filt, T, Q, c, beta_pred, P_pred, TP, K):
    """``beta_pred = T beta_filt + c``, ``P_pred = T P_filt T' + Q`` (``TP``: workspace)."""
    impl = _predict_diag if T.ndim == 1 else _predict_dense
    impl(beta_filt, P_filt, T, Q, c, beta_pred, P_pred, TP, K)


@overload(predict, **_ON_T)
def _predict(beta_filt, P_filt, T, Q, c, beta_pred, P_pred, TP, K):
    return _predict_diag if T.ndim == 1 else _predict_dense


@njit(**_STEP)
def observed(y, H, t, K):
    """True when ``y_t`` and every entry of ``H_t`` are numbers (not NaN)."""
    ok = not np.isnan(y[t])
    for j in range(K):
        if np.isnan(H[t, j]):
            ok = False
    return ok


@njit(**_STEP)
def update(y, H, t, r, beta_pred, P_pred, beta_filt, P_filt, Ph, k, W, Wh, K):
    """The scalar Joseph update at step ``t``; returns ``(v, S)`` and fills ``Ph = P_pred h``,
    the gain ``k`` (``W``, ``Wh``: workspace)."""
    S = r
    v = y[t]
    for i in range(K):
        s = 0.0
        for j in range(K):
            s += P_pred[i, j] * H[t, j]
        Ph[i] = s
        S += H[t, i] * s
        v -= H[t, i] * beta_pred[i]
    for i in range(K):
        k[i] = Ph[i] / S
        beta_filt[i] = beta_pred[i] + k[i] * v
    for i in range(K):  # W = (I - k h') P_pred and W h
        s = 0.0
        for j in range(K):
            W[i, j] = P_pred[i, j] - k[i] * Ph[j]
            s += W[i, j] * H[t, j]
        Wh[i] = s
    for i in range(K):  # P_filt = W (I - k h')' + r k k', symmetrised
        for j in range(i + 1):
            rkk = r * k[i] * k[j]
            s = 0.5 * ((W[i, j] - Wh[i] * k[j] + rkk) + (W[j, i] - Wh[j] * k[i] + rkk))
            P_filt[i, j] = s
            P_filt[j, i] = s
    return v, S


@njit(**_STEP)
def skip_update(beta_pred, P_pred, beta_filt, P_filt, K):
    """An unobserved step: ``beta_filt = beta_pred``, ``P_filt = P_pred``."""
    for i in range(K):
        beta_filt[i] = beta_pred[i]
        for j in range(K):
            P_filt[i, j] = P_pred[i, j]


@njit(**_STEP)
def loglik_term(v, S):
    """``l_t = -1/2 (log 2 pi + log S + v^2 / S)``."""
    return -0.5 * (LOG_2PI + np.log(S) + v * v / S)


def _transpose_times_diag(T, x, out, K):
    for i in range(K):
        out[i] = T[i] * x[i]


def _transpose_times_dense(T, x, out, K):
    for i in range(K):
        s = 0.0
        for j in range(K):
            s += T[j, i] * x[j]
        out[i] = s


def transpose_times(T, x, out, K):
    """``out = T' x``."""
    (_transpose_times_diag if T.ndim == 1 else _transpose_times_dense)(T, x, out, K)


@overload(transpose_times, **_ON_T)
def _transpose_times(T, x, out, K):
    return _transpose_times_diag if T.ndim == 1 else _transpose_times_dense


@njit(**_STEP)
def smooth_r(H, t, u, k, obs, T, r, r_prev, K):
    """``r_prev = h u + (I - h k') T' r`` with ``h = H_t``, ``u = v / S`` (``T' r`` alone when
    unobserved)."""
    transpose_times(T, r, r_prev, K)
    if obs:
        ka = 0.0
        for i in range(K):
            ka += k[i] * r_prev[i]
        for i in range(K):
            r_prev[i] += H[t, i] * (u - ka)


def _sandwich_diag(T, N, M, NT, K):
    for i in range(K):
        for j in range(i + 1):
            s = T[i] * N[i, j] * T[j]
            M[i, j] = s
            M[j, i] = s


def _sandwich_dense(T, N, M, NT, K):
    for i in range(K):
        for j in range(K):
            s = 0.0
            for q in range(K):
                s += N[i, q] * T[q, j]
            NT[i, j] = s
    for i in range(K):
        for j in range(i + 1):
            s = 0.0
            for q in range(K):
                s += T[q, i] * NT[q, j]
            M[i, j] = s
            M[j, i] = s


def sandwich(T, N, M, NT, K):
    """``M = T' N T`` for a symmetric ``N`` (``NT``: workspace, used for a dense ``T``)."""
    (_sandwich_diag if T.ndim == 1 else _sandwich_dense)(T, N, M, NT, K)


@overload(sandwich, **_ON_T)
def _sandwich(T, N, M, NT, K):
    return _sandwich_diag if T.ndim == 1 else _sandwich_dense


@njit(**_STEP)
def smooth_N(H, t, S, k, obs, T, N, N_prev, M, Mk, K):
    """``N_prev = h h' / S + (I - h k') T' N T (I - k h')`` with ``h = H_t`` (``M``, ``Mk``:
    workspace)."""
    sandwich(T, N, M, N_prev, K)  # N_prev holds N T for a moment
    if obs:
        kMk = 0.0
        for i in range(K):
            s = 0.0
            for j in range(K):
                s += M[i, j] * k[j]
            Mk[i] = s
            kMk += k[i] * s
        kMk += 1.0 / S
        for i in range(K):
            for j in range(i + 1):
                s = M[i, j] - H[t, i] * Mk[j] - Mk[i] * H[t, j] + H[t, i] * H[t, j] * kMk
                N_prev[i, j] = s
                N_prev[j, i] = s
    else:
        for i in range(K):
            for j in range(K):
                N_prev[i, j] = M[i, j]


@njit(**_STEP)
def smoothed_mean(beta_pred, P_pred, r_prev, beta_smooth, K):
    """``beta_smooth = beta_pred + P_pred r_prev``."""
    for i in range(K):
        s = beta_pred[i]
        for j in range(K):
            s += P_pred[i, j] * r_prev[j]
        beta_smooth[i] = s


@njit(**_STEP)
def smoothed_var(P_pred, N_prev, var, NP, K):
    """The diagonal of ``P_smooth = P_pred - P_pred N_prev P_pred`` (``NP``: workspace)."""
    for i in range(K):
        for j in range(K):
            s = 0.0
            for q in range(K):
                s += N_prev[i, q] * P_pred[q, j]
            NP[i, j] = s
    for i in range(K):
        s = P_pred[i, i]
        for j in range(K):
            s -= P_pred[i, j] * NP[j, i]
        var[i] = s


@njit(**_STEP)
def _noise(Q_sqrt, z, t, beta, K):
    for i in range(K):
        acc = 0.0
        for j in range(K):
            acc += Q_sqrt[i, j] * z[t, j]
        beta[i] += acc


def _simulate_diag(beta_prev, T, c, Q_sqrt, z, t, beta, K):
    for i in range(K):
        beta[i] = T[i] * beta_prev[i] + c[i]
    _noise(Q_sqrt, z, t, beta, K)


def _simulate_dense(beta_prev, T, c, Q_sqrt, z, t, beta, K):
    for i in range(K):
        acc = c[i]
        for j in range(K):
            acc += T[i, j] * beta_prev[j]
        beta[i] = acc
    _noise(Q_sqrt, z, t, beta, K)


def simulate_step(beta_prev, T, c, Q_sqrt, z, t, beta, K):
    """``beta = T beta_prev + c + Q_sqrt z_t`` (one step of the state equation)."""
    (_simulate_diag if T.ndim == 1 else _simulate_dense)(beta_prev, T, c, Q_sqrt, z, t, beta, K)


@overload(simulate_step, **_ON_T)
def _simulate_step(beta_prev, T, c, Q_sqrt, z, t, beta, K):
    return _simulate_diag if T.ndim == 1 else _simulate_dense
