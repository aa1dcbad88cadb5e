"""The Kalman filter as a differentiable pytensor graph (pure math: imports neither PyMC nor plots).

For ``t = 1..n``, starting from ``beta_filt_0 = b0``, ``P_filt_0 = P0``::

    predict   beta_pred = T beta_filt(t-1) + B u_t
              P_pred    = T P_filt(t-1) T' + Q
    update    v = y_t - H_t beta_pred - d                  innovation
              S = H_t P_pred H_t' + R                      its variance
              K = P_pred H_t' S^-1                         gain (Cholesky solve, no inverse)
              beta_filt = beta_pred + K v
              P_filt    = (I - K H_t) P_pred (I - K H_t)' + K R K'    (Joseph form)
    l_t = -1/2 (m_t log 2 pi + log|S| + v' S^-1 v)          log p(y_t | y_{1:t-1})

Missing data: a row ``i`` of ``y_t`` is unobserved when ``y_t[i]`` or any entry of ``H_t[i, :]``
is NaN. Unobserved rows are dropped exactly: their ``H`` rows and innovations are set to zero
and ``R`` is replaced by ``R_o = (o o') * R + diag(1 - o)``, so ``S`` is block diagonal with the
observed block and an identity, ``log|S|`` and ``v' S^-1 v`` involve only observed rows, and ``K``
has zero columns for unobserved rows. With every row unobserved the update is skipped
(``beta_filt = beta_pred``, ``P_filt = P_pred``, ``l_t = 0``); ``m_t`` counts observed rows.

For scalar observations (``m = 1``, the fund case) ``S`` is a number and the update needs no
matrix factorisation. All parameter arrays may carry leading batch axes (e.g. posterior draws);
the data ``y``, ``H``, ``u`` may not. Outputs are ordered ``(batch..., time, ...)``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytensor
import pytensor.tensor as pt

from bayes_beta.kalman.constants import LOG_2PI
from bayes_beta.kalman.graph.ops import as_tensor, mv, observation_mask, outer, sym

__all__ = ["FilterOutput", "Params", "kalman_filter_graph", "prepare"]


class Params(NamedTuple):
    """Model matrices as tensors or arrays (see :class:`bayes_beta.StateSpace` for shapes).

    Any field may carry leading batch axes. ``B`` and ``d`` are optional.
    """

    T: Any
    Q: Any
    R: Any
    b0: Any
    P0: Any
    B: Any = None
    d: Any = None


class FilterOutput(NamedTuple):
    """Symbolic filter results; shapes for ``n`` steps, ``K`` states, ``m`` observations."""

    loglik: Any  # (...,)            sum_t l_t
    loglik_t: Any  # (..., n)        l_t, 0 where y_t is wholly unobserved
    beta_pred: Any  # (..., n, K)    E[beta_t | y_{1:t-1}]
    P_pred: Any  # (..., n, K, K)
    beta_filt: Any  # (..., n, K)    E[beta_t | y_{1:t}]
    P_filt: Any  # (..., n, K, K)
    v: Any  # (..., n, m)            innovations (0 on unobserved rows)
    S: Any  # (..., n, m, m)         innovation variances (identity on unobserved rows)
    K: Any  # (..., n, K, m)         gains (0 columns on unobserved rows)


class Prepared(NamedTuple):
    """Tensors ready for the recursions (cleaned data, mask, broadcast initial state)."""

    y: Any
    H: Any
    o: Any
    u: Any
    p: Params
    b0: Any
    P0: Any
    batch_ndim: int


def _batch_shape(p: Params):
    cores = {"T": 2, "Q": 2, "R": 2, "b0": 1, "P0": 2, "B": 2, "d": 1}
    shapes = [
        tuple(x.shape[i] for i in range(x.ndim - cores[k]))
        for k, x in p._asdict().items()
        if x is not None
    ]
    ndim = max(len(s) for s in shapes)
    if ndim == 0:
        return (), 0
    padded = [(1,) * (ndim - len(s)) + s for s in shapes]
    return tuple(pt.broadcast_shape(*padded, arrays_are_shapes=True)), ndim


def prepare(y, H, params: Params | Any, u=None) -> Prepared:
    """Convert inputs to float64 tensors, clean NaNs and broadcast the initial state.

    ``params`` is a :class:`Params` or any object with attributes ``T, Q, R, b0, P0, B, d``
    (such as :class:`bayes_beta.StateSpace`).
    """
    p = Params(*(as_tensor(getattr(params, f), f) for f in Params._fields))
    y, H = as_tensor(y, "y"), as_tensor(H, "H")
    if y.ndim != 2 or H.ndim != 3:
        raise ValueError(f"y must be (n, m) and H (n, m, K); got ndim {y.ndim} and {H.ndim}")
    if p.d is None:
        p = p._replace(d=pt.zeros((p.R.shape[-1],)))
    if (p.B is None) != (u is None):
        raise ValueError("B and u must be given together (control input B u_t)")
    y_c, H_c, o = observation_mask(y, H)
    batch, batch_ndim = _batch_shape(p)
    K = p.T.shape[-1]
    b0 = pt.broadcast_to(p.b0, (*batch, K))
    P0 = pt.broadcast_to(p.P0, (*batch, K, K))
    return Prepared(y_c, H_c, o, as_tensor(u, "u"), p, b0, P0, batch_ndim)


def _predict(beta_filt, P_filt, u_t, T, Q, B):
    beta_pred = mv(T, beta_filt)
    if B is not None:
        beta_pred = beta_pred + mv(B, u_t)
    P_pred = sym(T @ P_filt @ T.mT + Q)
    return beta_pred, P_pred


def _update_scalar(y_t, H_t, o_t, beta_pred, P_pred, R, d):
    """Scalar update: ``S = h P h' + r`` is a number; no factorisation."""
    h, o = H_t[0], o_t[0]
    Ph = mv(P_pred, h)  # P_pred h'
    S = o * ((h * Ph).sum(-1) + R[..., 0, 0]) + (1.0 - o)
    v = o * (y_t[0] - (h * beta_pred).sum(-1) - d[..., 0])
    Kg = Ph / pt.shape_padaxis(S, -1)
    beta_filt = beta_pred + Kg * pt.shape_padaxis(v, -1)
    IKH = pt.eye(h.shape[0]) - outer(Kg, h)
    KRK = outer(Kg, Kg) * pt.shape_padright(o * R[..., 0, 0], 2)
    P_filt = sym(IKH @ P_pred @ IKH.mT + KRK)
    ll = -0.5 * o * (LOG_2PI + pt.log(S) + v**2 / S)
    return beta_filt, P_filt, v[..., None], S[..., None, None], Kg[..., None], ll


def _update_multi(y_t, H_t, o_t, beta_pred, P_pred, R, d):
    """Multivariate update with a Cholesky factor of ``S`` and unobserved rows dropped."""
    R_o = R * outer(o_t, o_t) + pt.diag(1.0 - o_t)
    PHt = P_pred @ H_t.T  # (..., K, m)
    S = sym(H_t @ PHt + R_o)
    L = pt.linalg.cholesky(S)
    v = o_t * (y_t - mv(H_t, beta_pred) - d)
    Kg = pt.linalg.cho_solve((L, True), PHt.mT).mT  # K = P H' S^-1
    beta_filt = beta_pred + mv(Kg, v)
    IKH = pt.eye(P_pred.shape[-1]) - Kg @ H_t
    P_filt = sym(IKH @ P_pred @ IKH.mT + Kg @ R_o @ Kg.mT)
    w = pt.linalg.solve_triangular(L, pt.shape_padaxis(v, -1), lower=True)[..., 0]
    logdet = 2.0 * pt.log(pt.diagonal(L, axis1=-2, axis2=-1)).sum(-1)
    ll = -0.5 * (o_t.sum() * LOG_2PI + logdet + (w**2).sum(-1))
    return beta_filt, P_filt, v, S, Kg, ll


def _time_last(x, batch_ndim: int):
    """Scan stacks time first; move it behind the batch axes."""
    return pt.moveaxis(x, 0, batch_ndim) if batch_ndim else x


def kalman_filter_graph(
    y, H, params: Params | Any, u=None, *, scalar_obs: bool | None = None
) -> FilterOutput:
    """Build the filter graph for ``y`` (n, m), ``H`` (n, m, K) and ``params``.

    ``u`` (n, p) is the control input (with ``params.B``). ``scalar_obs`` selects the
    factorisation-free ``m = 1`` update; by default it is used when ``m = 1`` is known statically.
    """
    prep = prepare(y, H, params, u)
    p = prep.p
    if scalar_obs is None:
        scalar_obs = prep.y.type.shape[-1] == 1 or p.R.type.shape[-1] == 1
    update = _update_scalar if scalar_obs else _update_multi

    def step(y_t, H_t, o_t, *rest):
        if p.B is not None:
            u_t, rest = rest[0], rest[1:]
        else:
            u_t = None
        beta_filt, P_filt, T, Q, R, d = rest[:6]
        B = rest[6] if p.B is not None else None
        beta_pred, P_pred = _predict(beta_filt, P_filt, u_t, T, Q, B)
        beta_f, P_f, v, S, Kg, ll = update(y_t, H_t, o_t, beta_pred, P_pred, R, d)
        return beta_f, P_f, beta_pred, P_pred, v, S, Kg, ll

    sequences = [prep.y, prep.H, prep.o] + ([prep.u] if p.B is not None else [])
    non_sequences = [p.T, p.Q, p.R, p.d] + ([p.B] if p.B is not None else [])
    outs = pytensor.scan(
        step,
        sequences=sequences,
        outputs_info=[prep.b0, prep.P0, None, None, None, None, None, None],
        non_sequences=non_sequences,
        strict=True,
        return_updates=False,
        name="kalman_filter",
    )
    beta_filt, P_filt, beta_pred, P_pred, v, S, Kg, ll = (
        _time_last(x, prep.batch_ndim) for x in outs
    )
    return FilterOutput(ll.sum(-1), ll, beta_pred, P_pred, beta_filt, P_filt, v, S, Kg)
