"""Fused scalar-observation Kalman log-likelihood and its reverse-mode gradient (numba kernels).

Forward (``m = 1``; NaN in ``y_t`` or ``H_t`` skips the update and adds 0)::

    b_p = T b_f(t-1) + c                      P_p = sym(T P_f(t-1) T' + Q)
    Ph = P_p h    S = h' Ph + r    v = y_t - h' b_p    k = Ph / S
    b_f = b_p + k v                           P_f = sym((I - k h') P_p (I - k h')' + r k k')
    l_t = -1/2 (log 2 pi + log S + v^2 / S)

The Joseph update is evaluated in its factored form with rank-one products, ``W = P_p - k Ph'``
(that is ``(I - k h') P_p``), then ``P_f = W - (W h) k' + r k k'``: O(K^2) per step, the same
rounding behaviour as the matrix products. ``c`` is the constant control input ``B u``
(``(1 - phi) mu`` for mean reversion; 0 for a random walk). With ``diag=True`` only the diagonal
of ``T`` is read (random walk, per-factor mean reversion) and the prediction costs O(K^2) too.

The gradient of ``sum_t w_t l_t`` is the adjoint of that recursion, run backwards over the
stored forward quantities. For symmetric ``P_p`` the Joseph update equals ``P_p - Ph Ph' / S``,
whose adjoint is short (``P_f~`` is kept symmetric)::

    observed step (adjoints b_f~, P_f~ from the next step, weight w_t):
      u   = P_f~ Ph
      S~  = w_t (v^2 / S^2 - 1 / S) / 2 - (b_f~ . Ph) v / S^2 + Ph' u / S^2
      v~  = -w_t v / S + (b_f~ . Ph) / S
      Ph~ = b_f~ v / S - 2 u / S + S~ h
      b_p~ = b_f~ - v~ h          G = P_f~ + (Ph~ h' + h Ph~') / 2          r~ += S~
    skipped step: b_p~ = b_f~, G = P_f~
    predict: Q~ += G;  c~ += b_p~;  T~ += b_p~ b_f(t-1)' + 2 G T P_f(t-1)
             b_f(t-1)~ = T' b_p~;  P_f(t-1)~ = T' G T
    start:   b0~ = b_f(-1)~, P0~ = P_f(-1)~

``G`` is the symmetric part of ``P_p~``. Gradients for the symmetric inputs ``Q`` and ``P0`` are
symmetric (those of ``(M + M')/2``), the same convention as the pytensor scan graph; with
``diag=True`` the gradient for ``T`` is diagonal (``T`` enters only through its diagonal).
"""

from __future__ import annotations

import numpy as np
from numba import njit

LOG_2PI = float(np.log(2.0 * np.pi))
# LLVM may reassociate sums, contract multiply-adds and use reciprocals; not "nnan"/"ninf", so
# the NaN tests that skip missing observations keep their meaning.
_FASTMATH = {"nsz", "arcp", "contract", "reassoc"}


@njit(cache=True, error_model="numpy", fastmath=_FASTMATH)
def _forward(y, H, T, Q, r, b0, P0, c, diag, keep, keep_P, K):
    """Run the filter; ``keep`` stores what the gradient needs (``keep_P``: also ``P_f(t-1)``,
    needed only for the gradient with respect to ``T``). Returns the stores and l_t.

    Loops are written out (no helper calls, no temporaries) so numba keeps everything in
    registers; ``error_model="numpy"`` drops Python's division checks from the inner loops.
    Symmetric matrices are computed on and below the diagonal and mirrored.
    """
    n = H.shape[0]
    ll = np.zeros(n)
    m = n if keep else 1
    b_prev = np.empty((m, K))
    P_prev = np.empty((n if keep_P else 1, K, K))
    Ph_s = np.zeros((m, K))
    S_s = np.ones(m)
    v_s = np.zeros(m)
    obs = np.zeros(n, dtype=np.bool_)
    b = b0.copy()
    P = 0.5 * (P0 + P0.T)  # the symmetric part: the gradient convention of (M + M') / 2
    Qs = 0.5 * (Q + Q.T)
    t_d = np.empty(K)
    for i in range(K):
        t_d[i] = T[i, i]
    bp = np.empty(K)
    Pp = np.empty((K, K))
    TP = np.empty((K, K))
    W = np.empty((K, K))
    Ph = np.empty(K)
    kg = np.empty(K)
    Wh = np.empty(K)
    for t in range(n):
        if keep:
            for i in range(K):
                b_prev[t, i] = b[i]
        if keep_P:
            for i in range(K):
                for j in range(K):
                    P_prev[t, i, j] = P[i, j]
        if diag:  # predict, diagonal T
            for i in range(K):
                bp[i] = t_d[i] * b[i] + c[i]
                for j in range(i + 1):
                    s = t_d[i] * t_d[j] * P[i, j] + Qs[i, j]
                    Pp[i, j] = s
                    Pp[j, i] = s
        else:  # predict, dense T
            for i in range(K):
                s = c[i]
                for j in range(K):
                    s += T[i, j] * b[j]
                bp[i] = s
                for j in range(K):
                    s = 0.0
                    for k in range(K):
                        s += T[i, k] * P[k, j]
                    TP[i, j] = s
            for i in range(K):
                for j in range(i + 1):
                    s = Qs[i, j]
                    for k in range(K):
                        s += TP[i, k] * T[j, k]
                    Pp[i, j] = s
                    Pp[j, i] = s
        ok = not np.isnan(y[t])
        for j in range(K):
            if np.isnan(H[t, j]):
                ok = False
        obs[t] = ok
        if not ok:
            for i in range(K):
                b[i] = bp[i]
                for j in range(K):
                    P[i, j] = Pp[i, j]
            continue
        S = r
        v = y[t]
        for i in range(K):  # update
            s = 0.0
            for j in range(K):
                s += Pp[i, j] * H[t, j]
            Ph[i] = s
            S += H[t, i] * s
            v -= H[t, i] * bp[i]
        for i in range(K):
            kg[i] = Ph[i] / S
            b[i] = bp[i] + kg[i] * v
        for i in range(K):  # Joseph form, factored: W = (I - k h') P_p, P = W (I - k h')' + r k k'
            s = 0.0
            for j in range(K):
                W[i, j] = Pp[i, j] - kg[i] * Ph[j]
                s += W[i, j] * H[t, j]
            Wh[i] = s
        for i in range(K):
            for j in range(i + 1):
                rkk = r * kg[i] * kg[j]
                s = 0.5 * ((W[i, j] - Wh[i] * kg[j] + rkk) + (W[j, i] - Wh[j] * kg[i] + rkk))
                P[i, j] = s
                P[j, i] = s
        ll[t] = -0.5 * (LOG_2PI + np.log(S) + v * v / S)
        if keep:
            S_s[t] = S
            v_s[t] = v
            for i in range(K):
                Ph_s[t, i] = Ph[i]
    return b_prev, P_prev, Ph_s, S_s, v_s, obs, ll


@njit(cache=True, error_model="numpy", fastmath=_FASTMATH)
def _backward(H, T, w, b_prev, P_prev, Ph_s, S_s, v_s, obs, diag, grad_T, K):
    """The adjoint recursion of the module docstring over the stores of :func:`_forward`
    (``grad_T=False`` leaves ``T~`` at zero and needs no stored ``P_f(t-1)``)."""
    n = H.shape[0]
    T_bar = np.zeros((K, K))
    Q_bar = np.zeros((K, K))
    c_bar = np.zeros(K)
    r_bar = 0.0
    b_bar = np.zeros(K)  # adjoint of b_f(t)
    P_bar = np.zeros((K, K))  # adjoint of P_f(t), symmetric
    bp_bar = np.empty(K)
    G = np.empty((K, K))
    u = np.empty(K)
    Ph_bar = np.empty(K)
    GT = np.empty((K, K))
    TG = np.empty((K, K))
    t_d = np.empty(K)
    for i in range(K):
        t_d[i] = T[i, i]
    for t in range(n - 1, -1, -1):
        if obs[t]:
            S, v = S_s[t], v_s[t]
            dot = 0.0
            quad = 0.0
            for i in range(K):
                s = 0.0
                for q in range(K):
                    s += P_bar[i, q] * Ph_s[t, q]
                u[i] = s
                quad += Ph_s[t, i] * s
                dot += b_bar[i] * Ph_s[t, i]
            S_bar = w[t] * 0.5 * (v * v / (S * S) - 1.0 / S) - dot * v / (S * S) + quad / (S * S)
            v_bar = -w[t] * v / S + dot / S
            for i in range(K):
                Ph_bar[i] = b_bar[i] * v / S - 2.0 * u[i] / S + S_bar * H[t, i]
                bp_bar[i] = b_bar[i] - v_bar * H[t, i]
            for i in range(K):
                for q in range(i + 1):
                    s = P_bar[i, q] + 0.5 * (Ph_bar[i] * H[t, q] + H[t, i] * Ph_bar[q])
                    G[i, q] = s
                    G[q, i] = s
            r_bar += S_bar
        else:
            for i in range(K):
                bp_bar[i] = b_bar[i]
                for q in range(K):
                    G[i, q] = P_bar[i, q]
        for i in range(K):
            c_bar[i] += bp_bar[i]
            for q in range(K):
                Q_bar[i, q] += G[i, q]
        if diag:
            for i in range(K):
                if grad_T:
                    s = 0.0  # (G T P_prev)[i, i]
                    for q in range(K):
                        s += G[i, q] * t_d[q] * P_prev[t, q, i]
                    T_bar[i, i] += bp_bar[i] * b_prev[t, i] + 2.0 * s
                b_bar[i] = t_d[i] * bp_bar[i]
                for q in range(i + 1):
                    s = t_d[i] * G[i, q] * t_d[q]
                    P_bar[i, q] = s
                    P_bar[q, i] = s
        else:
            for i in range(K):
                for q in range(K):
                    s = 0.0  # GT = G T, TG = T' G
                    z = 0.0
                    for p in range(K):
                        s += G[i, p] * T[p, q]
                        z += T[p, i] * G[p, q]
                    GT[i, q] = s
                    TG[i, q] = z
            for i in range(K):
                for q in range(K if grad_T else 0):
                    s = 0.0  # (G T P_prev)[i, q]
                    for p in range(K):
                        s += GT[i, p] * P_prev[t, p, q]
                    T_bar[i, q] += bp_bar[i] * b_prev[t, q] + 2.0 * s
            for i in range(K):
                s = 0.0
                for p in range(K):
                    s += T[p, i] * bp_bar[p]
                b_bar[i] = s
                for q in range(i + 1):
                    s = 0.0
                    for p in range(K):
                        s += TG[i, p] * T[p, q]
                    P_bar[i, q] = s
                    P_bar[q, i] = s
    return T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar


@njit(cache=True, error_model="numpy", fastmath=_FASTMATH)
def loglik_terms(y, H, T, Q, r, b0, P0, c, diag, K):
    """Per-step log-likelihood ``l_t`` (n,) of the scalar-observation filter.

    ``K`` is ``H.shape[1]``; a caller that passes it as a compile-time constant (a literal in
    numba code) gets loops of fixed length, which LLVM unrolls for small ``K``.
    """
    return _forward(y, H, T, Q, r, b0, P0, c, diag, False, False, K)[-1]


@njit(cache=True, error_model="numpy", fastmath=_FASTMATH)
def loglik_grad(y, H, T, Q, r, b0, P0, c, w, diag, grad_T, K):
    """Gradient of ``sum_t w_t l_t`` with respect to ``T, Q, r, b0, P0, c`` (module docstring)."""
    b_prev, P_prev, Ph_s, S_s, v_s, obs, _ = _forward(y, H, T, Q, r, b0, P0, c, diag, True,
                                                      grad_T, K)
    return _backward(H, T, w, b_prev, P_prev, Ph_s, S_s, v_s, obs, diag, grad_T, K)


@njit(cache=True, error_model="numpy", fastmath=_FASTMATH)
def loglik_value_grad(y, H, T, Q, r, b0, P0, c, diag, grad_T, K):
    """``sum_t l_t`` and its gradient with respect to ``T, Q, r, b0, P0, c``: one forward pass
    and one adjoint pass, for a sampler that needs both at every step."""
    b_prev, P_prev, Ph_s, S_s, v_s, obs, ll = _forward(y, H, T, Q, r, b0, P0, c, diag, True,
                                                       grad_T, K)
    grads = _backward(H, T, np.ones(len(y)), b_prev, P_prev, Ph_s, S_s, v_s, obs, diag, grad_T,
                      K)
    return ll.sum(), grads
