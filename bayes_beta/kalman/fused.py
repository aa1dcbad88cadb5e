"""Fused scalar-observation Kalman log-likelihood and its reverse-mode gradient (numba kernels).

Forward: the filter of :mod:`bayes_beta.kalman.steps` (predict, Joseph update, ``l_t``), with
``r_t`` and ``c_t`` given per step or once (an array of length 1 is used at every step)::

    sum_t l_t,   l_t = -1/2 (log 2 pi + log S_t + v_t^2 / S_t),   0 for an unobserved step

The gradient of ``sum_t l_t`` is the adjoint of that recursion, run backwards over the stored
forward quantities. For symmetric ``P_pred`` the Joseph update equals ``P_pred - Ph Ph' / S``,
whose adjoint is short (``P_filt~`` is kept symmetric)::

    observed step (adjoints b_f~, P_f~ from the next step):
      u   = P_f~ Ph
      S~  = (v^2 / S^2 - 1 / S) / 2 - (b_f~ . Ph) v / S^2 + Ph' u / S^2
      v~  = -v / S + (b_f~ . Ph) / S
      Ph~ = b_f~ v / S - 2 u / S + S~ h
      b_p~ = b_f~ - v~ h          G = P_f~ + (Ph~ h' + h Ph~') / 2          r_t~ += S~
    skipped step: b_p~ = b_f~, G = P_f~
    predict: Q~ += G;  c_t~ += b_p~;  T~ += b_p~ b_f(t-1)' + 2 G T P_f(t-1)
             b_f(t-1)~ = T' b_p~;  P_f(t-1)~ = T' G T
    start:   b0~ = b_f(-1)~, P0~ = P_f(-1)~

``G`` is the symmetric part of ``P_pred~``. Gradients for the symmetric inputs ``Q`` and ``P0``
are symmetric (those of ``(M + M')/2``), the convention of the pytensor scan graph. A diagonal
``T`` is passed as the vector of its diagonal (and its gradient is that vector's), a general
``T`` as a matrix; numba compiles the kernels for each.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.extending import overload

from bayes_beta.kalman.steps import (
    FASTMATH,
    loglik_term,
    observed,
    predict,
    skip_update,
    update,
)
from bayes_beta.kalman.variance import (
    innovation_adjoint,
    variance_adjoint,
    variance_at,
    variance_zeros,
)

__all__ = ["loglik_terms", "loglik_value_grad", "variances"]

_KERNEL = {"cache": True, "error_model": "numpy", "fastmath": FASTMATH}
_INLINE = {**_KERNEL, "inline": "always"}


@njit(**_INLINE)
def _symmetric(M):
    return 0.5 * (M + M.T)


@njit(**_KERNEL)
def _forward(y, H, T, Q, r, b0, P0, c, keep, keep_P, K):
    """Run the filter; ``keep`` stores what the gradient needs (``keep_P``: also ``P_f(t-1)``,
    needed only for the gradient with respect to ``T``). Returns the stores and ``l_t``."""
    n = H.shape[0]
    cs = int(c.shape[0] > 1)  # 1: one value per step, 0: one in all
    ll = np.zeros(n)
    m = n if keep else 1
    b_prev = np.empty((m, K))
    P_prev = np.empty((n if keep_P else 1, K, K))
    Ph_s = np.zeros((m, K))
    S_s, v_s, r_s, v2_s = np.ones(m), np.zeros(m), np.zeros(m), np.zeros(m)
    obs = np.zeros(n, dtype=np.bool_)
    b = b0.copy()
    P = _symmetric(P0)  # the symmetric part: the gradient convention of (M + M') / 2
    Qs = _symmetric(Q)
    bp, Ph, kg, Wh = np.empty(K), np.empty(K), np.empty(K), np.empty(K)
    Pp, TP, W = np.empty((K, K)), np.empty((K, K)), np.empty((K, K))
    c_t = c[0]  # a row is read per step only when given per step (no view in the hot loop)
    r_t, v2 = 0.0, 0.0
    for t in range(n):
        if cs:
            c_t = c[t]
        r_t = variance_at(r, t, v2, r_t)
        if keep:
            b_prev[t] = b
            r_s[t] = r_t
        if keep_P:
            P_prev[t] = P
        predict(b, P, T, Qs, c_t, bp, Pp, TP, K)
        if not observed(y, H, t, K):
            skip_update(bp, Pp, b, P, K)
            v2 = r_t
        else:
            v, S = update(y, H, t, r_t, bp, Pp, b, P, Ph, kg, W, Wh, K)
            v2 = v * v
            obs[t] = True
            ll[t] = loglik_term(v, S)
            if keep:
                S_s[t], v_s[t] = S, v
                Ph_s[t] = Ph
        if keep:
            v2_s[t] = v2
    return b_prev, P_prev, Ph_s, S_s, v_s, obs, ll, r_s, v2_s


@njit(**_INLINE)
def _adjoint_update(H, t, Ph, S, v, v_extra, b_bar, P_bar, bp_bar, G, u, Ph_bar, K):
    """Adjoint of the observed update at step ``t`` (``Ph`` the stored ``(n, K)`` array;
    ``v_extra`` what later steps add to ``v~``): fills ``bp_bar`` and ``G``; returns ``S~``."""
    dot = 0.0
    quad = 0.0
    for i in range(K):
        s = 0.0
        for q in range(K):
            s += P_bar[i, q] * Ph[t, q]
        u[i] = s
        quad += Ph[t, i] * s
        dot += b_bar[i] * Ph[t, i]
    S_bar = 0.5 * (v * v / (S * S) - 1.0 / S) - dot * v / (S * S) + quad / (S * S)
    v_bar = -v / S + dot / S + v_extra
    for i in range(K):
        Ph_bar[i] = b_bar[i] * v / S - 2.0 * u[i] / S + S_bar * H[t, i]
        bp_bar[i] = b_bar[i] - v_bar * H[t, i]
    for i in range(K):
        for q in range(i + 1):
            s = P_bar[i, q] + 0.5 * (Ph_bar[i] * H[t, q] + H[t, i] * Ph_bar[q])
            G[i, q] = s
            G[q, i] = s
    return S_bar


def _adjoint_predict_diag(T, grad_T, G, bp_bar, b_prev, P_prev, T_bar, b_bar, P_bar, GT, K):
    for i in range(K):
        if grad_T:
            s = 0.0  # (G T P_prev)[i, i]
            for q in range(K):
                s += G[i, q] * T[q] * P_prev[q, i]
            T_bar[i] += bp_bar[i] * b_prev[i] + 2.0 * s
        b_bar[i] = T[i] * bp_bar[i]
        for q in range(i + 1):
            s = T[i] * G[i, q] * T[q]
            P_bar[i, q] = s
            P_bar[q, i] = s


def _adjoint_predict_dense(T, grad_T, G, bp_bar, b_prev, P_prev, T_bar, b_bar, P_bar, GT, K):
    for i in range(K):
        for q in range(K):
            s = 0.0  # G T
            for p in range(K):
                s += G[i, p] * T[p, q]
            GT[i, q] = s
    for i in range(K if grad_T else 0):
        for q in range(K):
            s = 0.0  # (G T P_prev)[i, q]
            for p in range(K):
                s += GT[i, p] * P_prev[p, q]
            T_bar[i, q] += bp_bar[i] * b_prev[q] + 2.0 * s
    for i in range(K):
        s = 0.0
        for p in range(K):
            s += T[p, i] * bp_bar[p]
        b_bar[i] = s
        for q in range(i + 1):
            s = 0.0  # (T' G T)[i, q] = sum_p T[p, i] (G T)[p, q]
            for p in range(K):
                s += T[p, i] * GT[p, q]
            P_bar[i, q] = s
            P_bar[q, i] = s


def _adjoint_predict(T, grad_T, G, bp_bar, b_prev, P_prev, T_bar, b_bar, P_bar, GT, K):
    """Adjoint of the predict step: ``T~`` (when ``grad_T``), then ``b_f(t-1)~`` and
    ``P_f(t-1)~`` written into ``b_bar`` and ``P_bar`` (``GT``: workspace)."""
    impl = _adjoint_predict_diag if T.ndim == 1 else _adjoint_predict_dense
    impl(T, grad_T, G, bp_bar, b_prev, P_prev, T_bar, b_bar, P_bar, GT, K)


@overload(_adjoint_predict, inline="always")
def _adjoint_predict_numba(T, grad_T, G, bp_bar, b_prev, P_prev, T_bar, b_bar, P_bar, GT, K):
    return _adjoint_predict_diag if T.ndim == 1 else _adjoint_predict_dense


@njit(**_KERNEL)
def _backward(H, T, r, stores, grad_T, n_c, K):
    """The adjoint recursion of the module docstring over the stores of :func:`_forward`
    (``grad_T=False`` leaves ``T~`` at zero and needs no stored ``P_f(t-1)``)."""
    b_prev, P_prev, Ph_s, S_s, v_s, obs, _, r_s, v2_s = stores
    n = H.shape[0]
    cs = int(n_c > 1)
    T_bar, Q_bar = np.zeros_like(T), np.zeros((K, K))
    c_bar, r_bar = np.zeros((n_c, K)), variance_zeros(r)
    b_bar, P_bar = np.zeros(K), np.zeros((K, K))  # adjoints of b_f(t), P_f(t)
    bp_bar, u, Ph_bar = np.empty(K), np.empty(K), np.empty(K)
    G, GT = np.empty((K, K)), np.empty((K, K))
    rho = 0.0  # the adjoint of r_(t+1) (a GARCH recursion carries it back)
    for t in range(n - 1, -1, -1):
        S_bar = 0.0
        if obs[t]:
            S_bar = _adjoint_update(H, t, Ph_s, S_s[t], v_s[t], innovation_adjoint(r, v_s[t], rho),
                                    b_bar, P_bar, bp_bar, G, u, Ph_bar, K)
        else:
            bp_bar[:] = b_bar
            G[:, :] = P_bar
        rho = variance_adjoint(r, r_bar, t, n, S_bar, obs[t], v2_s[t], r_s[t], rho)
        for i in range(K):
            c_bar[t * cs, i] += bp_bar[i]
            for q in range(K):
                Q_bar[i, q] += G[i, q]
        P_t = P_prev[t] if grad_T else P_prev[0]
        _adjoint_predict(T, grad_T, G, bp_bar, b_prev[t], P_t, T_bar, b_bar, P_bar, GT, K)
    return T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar


@njit(**_KERNEL)
def loglik_terms(y, H, T, Q, r, b0, P0, c, K):
    """Per-step log-likelihood ``l_t`` (n,) of the scalar-observation filter.

    ``T`` is (K,) (its diagonal) or (K, K); ``r`` is (n,) or (1,), or a GARCH tuple
    ``(omega, alpha, gamma, r0)`` (:mod:`bayes_beta.kalman.variance`); ``c`` (n, K) or (1, K).
    ``K`` is ``H.shape[1]``; a caller that passes it as a compile-time constant (a literal in
    numba code, as the Op and the propagation kernels do) gets loops of fixed length, which
    LLVM unrolls for small ``K``.
    """
    return _forward(y, H, T, Q, r, b0, P0, c, False, False, K)[6]


@njit(**_KERNEL)
def loglik_value_grad(y, H, T, Q, r, b0, P0, c, grad_T, K):
    """``sum_t l_t`` and its gradient with respect to ``T, Q, r, b0, P0, c`` (same shapes as
    the inputs): one forward pass and one adjoint pass, for a sampler that needs both."""
    stores = _forward(y, H, T, Q, r, b0, P0, c, True, grad_T, K)
    return stores[6].sum(), _backward(H, T, r, stores, grad_T, c.shape[0], K)


@njit(**_KERNEL)
def variances(y, H, T, Q, r, b0, P0, c, K):
    """``r_t`` (n,) of every step: the given values, or the GARCH recursion on this data."""
    return _forward(y, H, T, Q, r, b0, P0, c, True, False, K)[7]


@njit(**_KERNEL)
def garch_terms(y, H, T, Q, r, b0, P0, c, K):
    """``(r_t, l_t)`` (n,) each: the variances of :func:`variances` and the log-likelihood
    terms of :func:`loglik_terms`, from one pass."""
    stores = _forward(y, H, T, Q, r, b0, P0, c, True, False, K)
    return stores[7], stores[6]
