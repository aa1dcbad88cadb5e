"""Fused scalar-observation Kalman log-likelihood and its reverse-mode gradient (numba kernels).

Forward (``m = 1``; NaN in ``y_t`` or ``H_t`` skips the update and adds 0)::

    b_p = T b_f(t-1) + c                      P_p = sym(T P_f(t-1) T' + Q)
    Ph = P_p h    S = h' Ph + r    v = y_t - h' b_p    k = Ph / S
    b_f = b_p + k v                           P_f = (I - k h') P_p (I - k h')' + r k k'  (Joseph)
    l_t = -1/2 (log 2 pi + log S + v^2 / S)

``c`` is the constant control input ``B u`` (``(1 - phi) mu`` for mean reversion; 0 for a random
walk). The gradient of ``sum_t w_t l_t`` is the adjoint of that recursion, run backwards over the
stored forward quantities. For symmetric ``P_p`` the Joseph update equals ``P_p - Ph Ph' / S``,
whose adjoint is short::

    observed step (adjoints b_f~, P_f~ from the next step, weight w_t):
      S~  = w_t (v^2 / S^2 - 1 / S) / 2 - (b_f~ . Ph) v / S^2 + Ph' P_f~ Ph / S^2
      v~  = -w_t v / S + (b_f~ . Ph) / S
      Ph~ = b_f~ v / S - (P_f~ + P_f~') Ph / S + S~ h
      b_p~ = b_f~ - v~ h          P_p~ = P_f~ + Ph~ h'          r~ += S~
    skipped step: b_p~ = b_f~, P_p~ = P_f~
    predict: G = sym(P_p~);  Q~ += G;  c~ += b_p~;  T~ += b_p~ b_f(t-1)' + 2 G T P_f(t-1)
             b_f(t-1)~ = T' b_p~;  P_f(t-1)~ = T' G T
    start:   b0~ = b_f(0)~, P0~ = P_f(0)~

Gradients for the symmetric inputs ``Q`` and ``P0`` are symmetric (those of ``(M + M')/2``), the
same convention as the pytensor scan graph.
"""

from __future__ import annotations

import numpy as np
from numba import njit

LOG_2PI = float(np.log(2.0 * np.pi))


@njit(cache=True, error_model="numpy")
def _forward(y, H, T, Q, r, b0, P0, c, keep):
    """Run the filter; ``keep`` stores what the gradient needs. Returns the stores and l_t.

    Loops are written out (no helper calls, no temporaries) so numba keeps everything in
    registers; ``error_model="numpy"`` drops Python's division checks from the inner loops.
    """
    n, K = H.shape
    ll = np.zeros(n)
    m = n if keep else 1
    b_prev = np.empty((m, K))
    P_prev = np.empty((m, K, K))
    Ph_s = np.zeros((m, K))
    S_s = np.ones(m)
    v_s = np.zeros(m)
    obs = np.zeros(n, dtype=np.bool_)
    b = b0.copy()
    P = 0.5 * (P0 + P0.T)  # the symmetric part: the gradient convention of (M + M') / 2
    bp = np.empty(K)
    Pp = np.empty((K, K))
    TP = np.empty((K, K))
    A = np.empty((K, K))
    Ph = np.empty(K)
    kg = np.empty(K)
    for t in range(n):
        if keep:
            for i in range(K):
                b_prev[t, i] = b[i]
                for j in range(K):
                    P_prev[t, i, j] = P[i, j]
        for i in range(K):  # predict
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
                s = 0.5 * (Q[i, j] + Q[j, i])
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
            for j in range(K):
                A[i, j] = (1.0 if i == j else 0.0) - kg[i] * H[t, j]
        for i in range(K):  # Joseph form: A Pp A' + r k k'
            for j in range(K):
                s = 0.0
                for k in range(K):
                    s += A[i, k] * Pp[k, j]
                TP[i, j] = s
        for i in range(K):
            for j in range(i + 1):
                s = r * kg[i] * kg[j]
                for k in range(K):
                    s += TP[i, k] * A[j, k]
                P[i, j] = s
                P[j, i] = s
        ll[t] = -0.5 * (LOG_2PI + np.log(S) + v * v / S)
        if keep:
            S_s[t] = S
            v_s[t] = v
            for i in range(K):
                Ph_s[t, i] = Ph[i]
    return b_prev, P_prev, Ph_s, S_s, v_s, obs, ll


@njit(cache=True, error_model="numpy")
def loglik_scalar(y, H, T, Q, r, b0, P0, c):
    """Per-step log-likelihood ``l_t`` (n,) of the scalar-observation filter."""
    return _forward(y, H, T, Q, r, b0, P0, c, False)[-1]


@njit(cache=True, error_model="numpy")
def loglik_scalar_grad(y, H, T, Q, r, b0, P0, c, w):
    """Gradient of ``sum_t w_t l_t`` with respect to ``T, Q, r, b0, P0, c`` (module docstring)."""
    n, K = H.shape
    b_prev, P_prev, Ph_s, S_s, v_s, obs, _ = _forward(y, H, T, Q, r, b0, P0, c, True)
    T_bar = np.zeros((K, K))
    Q_bar = np.zeros((K, K))
    c_bar = np.zeros(K)
    r_bar = 0.0
    b_bar = np.zeros(K)  # adjoint of b_f(t)
    P_bar = np.zeros((K, K))  # adjoint of P_f(t)
    bp_bar = np.empty(K)
    Pp_bar = np.empty((K, K))
    G = np.empty((K, K))
    Ph_bar = np.empty(K)
    TG = np.empty((K, K))
    for t in range(n - 1, -1, -1):
        for i in range(K):
            bp_bar[i] = b_bar[i]
            for q in range(K):
                Pp_bar[i, q] = P_bar[i, q]
        if obs[t]:
            S, v = S_s[t], v_s[t]
            h, Ph = H[t], Ph_s[t]
            dot = 0.0
            quad = 0.0
            for i in range(K):
                dot += b_bar[i] * Ph[i]
                for q in range(K):
                    quad += Ph[i] * P_bar[i, q] * Ph[q]
            S_bar = w[t] * 0.5 * (v * v / (S * S) - 1.0 / S) - dot * v / (S * S) + quad / (S * S)
            v_bar = -w[t] * v / S + dot / S
            for i in range(K):
                s = 0.0
                for q in range(K):
                    s += (P_bar[i, q] + P_bar[q, i]) * Ph[q]
                Ph_bar[i] = b_bar[i] * v / S - s / S + S_bar * h[i]
            for i in range(K):
                bp_bar[i] -= v_bar * h[i]
                for q in range(K):
                    Pp_bar[i, q] += Ph_bar[i] * h[q]
            r_bar += S_bar
        for i in range(K):
            for q in range(K):
                G[i, q] = 0.5 * (Pp_bar[i, q] + Pp_bar[q, i])
        for i in range(K):  # TG = T' G
            for q in range(K):
                s = 0.0
                for p in range(K):
                    s += T[p, i] * G[p, q]
                TG[i, q] = s
        for i in range(K):
            c_bar[i] += bp_bar[i]
            for q in range(K):
                Q_bar[i, q] += G[i, q]
                s = 0.0  # (G T P_prev)[i, q]
                for p in range(K):
                    gt = 0.0
                    for z in range(K):
                        gt += G[i, z] * T[z, p]
                    s += gt * P_prev[t, p, q]
                T_bar[i, q] += bp_bar[i] * b_prev[t, q] + 2.0 * s
        for i in range(K):
            s = 0.0
            for p in range(K):
                s += T[p, i] * bp_bar[p]
            b_bar[i] = s
            for q in range(K):
                s = 0.0
                for p in range(K):
                    s += TG[i, p] * T[p, q]
                P_bar[i, q] = s
    return T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar
