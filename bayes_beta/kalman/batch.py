"""The fused log-likelihood and its gradient for a batch of funds: one call, funds in parallel.

Fund ``f`` has its own data and parameters; its term is the exact Kalman log-likelihood of
:mod:`bayes_beta.kalman.fused` over its own span of the common time axis::

    l[f] = sum_{t = start[f]}^{stop[f] - 1} l_t(y[f], H[f]; T[f], Q[f], r[f], b0[f], P0[f], c[f])

so a fund that starts later or ends earlier is filtered from its own first observation (its
``b0, P0`` are those of its own start), and NaN inside its span (holidays, gaps) skips the update
as everywhere. Data arrive padded to the common axis: ``y`` (F, n), ``H`` (F, n, K). The
observation variance is ``r`` (F,), one constant per fund, or (F, 4), a GARCH(1, 1) per fund
(``omega, alpha, gamma, r0``; :mod:`bayes_beta.kalman.variance`). ``T`` is (F, K), each fund's
diagonal.

Each fund runs the per-fund kernel (:func:`bayes_beta.kalman.fused.loglik_value_grad`) on its
slice, so a batch equals its funds computed one by one, bit for bit. The loop over funds is a
``prange`` in :func:`value_grad_parallel` (numba's threads) and a plain loop in
:func:`value_grad_serial` (for a caller that already runs one thread per core, e.g. chains).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, types
from numba.extending import overload

from bayes_beta.kalman.fused import loglik_value_grad
from bayes_beta.kalman.steps import FASTMATH

__all__ = ["value_grad", "value_grad_parallel", "value_grad_serial"]

_KERNEL = {"cache": True, "error_model": "numpy", "fastmath": FASTMATH}


def _fund_noise(r, f):
    """Fund ``f``'s observation variance in the per-fund kernel's form."""
    return r[f : f + 1] if r.ndim == 1 else (r[f, 0], r[f, 1], r[f, 2], r[f, 3])


@overload(_fund_noise, inline="always")
def _fund_noise_numba(r, f):
    if isinstance(r, types.Array) and r.ndim == 1:
        return lambda r, f: r[f : f + 1]
    return lambda r, f: (r[f, 0], r[f, 1], r[f, 2], r[f, 3])


def _store_noise(r_bar, f, g):
    """Write the per-fund kernel's noise adjoint ``g`` ((1,) or (4,)) into row ``f``."""
    if r_bar.ndim == 1:
        r_bar[f] = g[0]
    else:
        r_bar[f] = g


@overload(_store_noise, inline="always")
def _store_noise_numba(r_bar, f, g):
    if r_bar.ndim == 1:
        def one(r_bar, f, g):
            r_bar[f] = g[0]
        return one

    def row(r_bar, f, g):
        r_bar[f] = g
    return row


@njit(**_KERNEL, inline="always")
def _fund(f, y, H, start, stop, T, Q, r, b0, P0, c, grad_T, ll, T_bar, Q_bar, r_bar, b_bar,
          P_bar, c_bar, K):
    a, b = start[f], stop[f]
    if b <= a:  # no data: no term, no gradient
        ll[f] = 0.0
        return
    value, g = loglik_value_grad(np.ascontiguousarray(y[f, a:b]), np.ascontiguousarray(H[f, a:b]),
                                 T[f], Q[f], _fund_noise(r, f), b0[f], P0[f], c[f : f + 1],
                                 grad_T, K)
    ll[f] = value
    T_bar[f], Q_bar[f], b_bar[f], P_bar[f], c_bar[f] = g[0], g[1], g[3], g[4], g[5][0]
    _store_noise(r_bar, f, g[2])


def _outputs(F, K, r):
    r_bar = np.zeros(F) if r.ndim == 1 else np.zeros((F, 4))
    return (np.zeros(F), np.zeros((F, K)), np.zeros((F, K, K)), r_bar, np.zeros((F, K)),
            np.zeros((F, K, K)), np.zeros((F, K)))


@overload(_outputs, inline="always")
def _outputs_numba(F, K, r):
    if r.ndim == 1:
        return lambda F, K, r: (np.zeros(F), np.zeros((F, K)), np.zeros((F, K, K)), np.zeros(F),
                                np.zeros((F, K)), np.zeros((F, K, K)), np.zeros((F, K)))
    return lambda F, K, r: (np.zeros(F), np.zeros((F, K)), np.zeros((F, K, K)),
                            np.zeros((F, 4)), np.zeros((F, K)), np.zeros((F, K, K)),
                            np.zeros((F, K)))


@njit(**_KERNEL, parallel=True)
def value_grad_parallel(y, H, start, stop, T, Q, r, b0, P0, c, grad_T, K):
    """``(l (F,), (T~, Q~, r~, b0~, P0~, c~))`` of every fund, funds over numba's threads."""
    out = _outputs(y.shape[0], K, r)
    ll, T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar = out
    for f in prange(y.shape[0]):
        _fund(f, y, H, start, stop, T, Q, r, b0, P0, c, grad_T, ll, T_bar, Q_bar, r_bar, b_bar,
              P_bar, c_bar, K)
    return ll, (T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar)


@njit(**_KERNEL)
def value_grad_serial(y, H, start, stop, T, Q, r, b0, P0, c, grad_T, K):
    """As :func:`value_grad_parallel`, funds one after the other in the calling thread."""
    out = _outputs(y.shape[0], K, r)
    ll, T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar = out
    for f in range(y.shape[0]):
        _fund(f, y, H, start, stop, T, Q, r, b0, P0, c, grad_T, ll, T_bar, Q_bar, r_bar, b_bar,
              P_bar, c_bar, K)
    return ll, (T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar)


def value_grad(y, H, start, stop, T, Q, r, b0, P0, c, *, grad_T: bool = True,
               parallel: bool = False):
    """NumPy entry point: every fund's log-likelihood (F,) and the gradients of each with
    respect to its own ``T`` (F, K), ``Q`` (F, K, K), ``r`` ((F,) or (F, 4)), ``b0`` (F, K),
    ``P0`` (F, K, K), ``c`` (F, K); shapes and forms in the module docstring. ``K`` is passed
    as a run-time number here (the pytensor Op compiles it in as a constant)."""
    args = [np.ascontiguousarray(a, dtype=np.float64) for a in (y, H)]
    idx = [np.ascontiguousarray(a, dtype=np.int64) for a in (start, stop)]
    par = [np.ascontiguousarray(a, dtype=np.float64) for a in (T, Q, r, b0, P0, c)]
    kernel = value_grad_parallel if parallel else value_grad_serial
    return kernel(*args, *idx, *par, bool(grad_T), int(H.shape[2]))
