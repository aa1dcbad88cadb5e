"""Rauch-Tung-Striebel smoother and joint path draws as pytensor graphs (pure math).

RTS, backwards from ``beta_smooth_n = beta_filt_n``, ``P_smooth_n = P_filt_n``::

    J_t          = P_filt_t T' P_pred(t+1)^-1                      (Cholesky solve, no inverse)
    beta_smooth_t = beta_filt_t + J_t (beta_smooth(t+1) - beta_pred(t+1))
    P_smooth_t    = P_filt_t + J_t (P_smooth(t+1) - P_pred(t+1)) J_t'

Joint draws of ``beta_{1:n} | y, theta`` use the Durbin-Koopman (2002) simulation smoother: draw
``beta+`` and ``y+`` from the model, then ``beta~ = beta+ + E0[beta | y - y+]``, where ``E0`` is the
smoother mean of the zero-mean model (``b0 = 0``, no ``B u``, no ``d``) with the gains ``K_t`` and
``J_t`` of the real data (they do not depend on ``y``). It needs only square-root factors of
``Q``, ``R`` and ``P0`` (which may be singular), never of a conditional covariance.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytensor
import pytensor.tensor as pt

from bayes_beta.kalman._ops import mv, sym
from bayes_beta.kalman.filter import FilterOutput, Params, kalman_filter_graph, prepare

__all__ = ["SmootherOutput", "kalman_smoother_graph", "rts_smoother_graph", "sample_paths_graph"]


class SmootherOutput(NamedTuple):
    """Symbolic smoother results, ordered ``(batch..., time, ...)``."""

    beta_smooth: Any  # (..., n, K)      E[beta_t | y_{1:n}]
    P_smooth: Any  # (..., n, K, K)
    J: Any  # (..., n - 1, K, K)         smoother gains


def _time_first(x, batch_ndim: int):
    return pt.moveaxis(x, batch_ndim, 0) if batch_ndim else x


def _time_back(x, batch_ndim: int):
    return pt.moveaxis(x, 0, batch_ndim) if batch_ndim else x


def rts_smoother_graph(filt: FilterOutput, T, batch_ndim: int = 0) -> SmootherOutput:
    """RTS smoother on the outputs of :func:`kalman_filter_graph` (see module docstring)."""
    bp, Pp, bf, Pf = (_time_first(x, batch_ndim) for x in filt[2:6])

    def step(bf_t, Pf_t, bp_next, Pp_next, bs_next, Ps_next, T):
        L = pt.linalg.cholesky(Pp_next)
        J = pt.linalg.cho_solve((L, True), T @ Pf_t).mT
        bs = bf_t + mv(J, bs_next - bp_next)
        Ps = sym(Pf_t + J @ (Ps_next - Pp_next) @ J.mT)
        return bs, Ps, J

    bs, Ps, J = pytensor.scan(
        step,
        sequences=[bf[:-1], Pf[:-1], bp[1:], Pp[1:]],
        outputs_info=[bf[-1], Pf[-1], None],
        non_sequences=[pt.as_tensor_variable(T)],
        go_backwards=True,
        strict=True,
        return_updates=False,
        name="rts_smoother",
    )
    beta_smooth = pt.concatenate([bs[::-1], bf[-1:]], axis=0)
    P_smooth = pt.concatenate([Ps[::-1], Pf[-1:]], axis=0)
    return SmootherOutput(*(_time_back(x, batch_ndim) for x in (beta_smooth, P_smooth, J[::-1])))


def kalman_smoother_graph(
    y, H, params: Params | Any, u=None, *, scalar_obs: bool | None = None
) -> tuple[FilterOutput, SmootherOutput]:
    """Filter and RTS smoother graphs for ``y`` (n, m), ``H`` (n, m, K) and ``params``."""
    filt = kalman_filter_graph(y, H, params, u, scalar_obs=scalar_obs)
    batch_ndim = filt.loglik.ndim
    return filt, rts_smoother_graph(filt, pt.as_tensor_variable(params.T), batch_ndim)


def sample_paths_graph(
    y,
    H,
    params: Params | Any,
    z0,
    z_eta,
    z_eps,
    factors,
    u=None,
    *,
    scalar_obs=None,
    return_all: bool = False,
):
    """Joint draws of ``beta_{1:n} | y, theta`` by the Durbin-Koopman simulation smoother.

    ``z0`` (..., K), ``z_eta`` (..., n, K) and ``z_eps`` (..., n, m) are standard normal draws;
    their batch axes ``...`` (e.g. draws) broadcast with those of ``params``. ``factors`` is
    ``(P0_sqrt, Q_sqrt, R_sqrt)`` with ``A A' = P0, Q, R``. Returns ``(..., n, K)`` paths::

        beta+_0 = b0 + P0_sqrt z0,   beta+_t = T beta+_(t-1) + B u_t + Q_sqrt z_eta_t
        y+_t    = H_t beta+_t + d + R_sqrt z_eps_t
        path    = beta+ + E0[beta | y - y+]

    With ``return_all=True`` returns ``(paths, FilterOutput, SmootherOutput)``.
    """
    filt, smooth = kalman_smoother_graph(y, H, params, u, scalar_obs=scalar_obs)
    prep = prepare(y, H, params, u)
    p = prep.p
    P0_sqrt, Q_sqrt, R_sqrt = (pt.as_tensor_variable(f) for f in factors)
    z0, z_eta, z_eps = (pt.as_tensor_variable(z) for z in (z0, z_eta, z_eps))
    nb = z_eta.ndim - 2  # batch axes of the draws (those of params broadcast into them)
    Kg = _time_first(filt.K, filt.loglik.ndim)
    J = _time_first(smooth.J, filt.loglik.ndim)
    z_eta, z_eps = _time_first(z_eta, nb), _time_first(z_eps, nb)
    beta_plus0 = p.b0 + mv(P0_sqrt, z0)
    a_filt0 = pt.zeros_like(beta_plus0)

    def forward(y_t, H_t, o_t, Kg_t, ze_t, zv_t, *rest):
        if p.B is not None:
            u_t, rest = rest[0], rest[1:]
        beta_plus_prev, a_filt_prev, T, Q_sqrt, R_sqrt, d = rest[:6]
        beta_plus = mv(T, beta_plus_prev) + mv(Q_sqrt, ze_t)
        if p.B is not None:
            beta_plus = beta_plus + mv(rest[6], u_t)
        y_plus = mv(H_t, beta_plus) + d + mv(R_sqrt, zv_t)
        a_pred = mv(T, a_filt_prev)
        v = o_t * (y_t - y_plus) - mv(H_t, a_pred)  # H_t rows are zero where unobserved
        a_filt = a_pred + mv(Kg_t, v)
        return beta_plus, a_filt, a_pred

    seqs = [prep.y, prep.H, prep.o, Kg, z_eta, z_eps] + ([prep.u] if p.B is not None else [])
    beta_plus, a_filt, a_pred = pytensor.scan(
        forward,
        sequences=seqs,
        outputs_info=[beta_plus0, a_filt0, None],
        non_sequences=[p.T, Q_sqrt, R_sqrt, p.d] + ([p.B] if p.B is not None else []),
        strict=True,
        return_updates=False,
        name="dk_forward",
    )

    def backward(a_filt_t, a_pred_next, J_t, a_s_next):
        return a_filt_t + mv(J_t, a_s_next - a_pred_next)

    a_s = pytensor.scan(
        backward,
        sequences=[a_filt[:-1], a_pred[1:], J],
        outputs_info=[a_filt[-1]],
        go_backwards=True,
        strict=True,
        return_updates=False,
        name="dk_backward",
    )
    a_smooth = pt.concatenate([a_s[::-1], a_filt[-1:]], axis=0)
    paths = _time_back(beta_plus + a_smooth, max(nb, filt.loglik.ndim))
    return (paths, filt, smooth) if return_all else paths
