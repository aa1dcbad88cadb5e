"""The state smoother and joint path draws as pytensor graphs (pure math, the reference).

Backward recursions of Durbin & Koopman (2012, sec. 4.4), from ``r_n = 0``, ``N_n = 0``, with
the filter's ``v_t``, ``S_t``, gain ``K_t = P_pred H_t' S_t^-1`` and ``L_t = T (I - K_t H_t)``::

    r_(t-1) = H_t' S_t^-1 v_t + L_t' r_t
    N_(t-1) = H_t' S_t^-1 H_t + L_t' N_t L_t
    beta_smooth_t = beta_pred_t + P_pred_t r_(t-1)
    P_smooth_t    = P_pred_t - P_pred_t N_(t-1) P_pred_t

``P_pred`` is never factorised, so a singular ``Q`` and ``P0`` (known static exposures) work;
``S_t`` is factorised by Cholesky (no inverse). Unobserved rows have zero ``H`` rows, so they
add nothing.

Joint draws of ``beta_{1:n} | y, theta`` use the Durbin-Koopman (2002) simulation smoother: draw
``beta+`` and ``y+`` from the model, then ``beta~ = beta+ + E0[beta | y - y+]``, where ``E0`` is the
smoothed mean of the zero-mean model (``b0 = 0``, no ``B u``, no ``d``) with the gains of the
real data (they do not depend on ``y``). It needs only square-root factors of ``Q``, ``R`` and
``P0`` (which may be singular), never of a conditional covariance.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytensor
import pytensor.tensor as pt

from bayes_beta.kalman.graph.filter import FilterOutput, Params, kalman_filter_graph, prepare
from bayes_beta.kalman.graph.ops import mv, sym

__all__ = ["SmootherOutput", "kalman_smoother_graph", "sample_paths_graph", "smoother_graph"]


class SmootherOutput(NamedTuple):
    """Symbolic smoother results, ordered ``(batch..., time, ...)``."""

    beta_smooth: Any  # (..., n, K)      E[beta_t | y_{1:n}]
    P_smooth: Any  # (..., n, K, K)


def _time_first(x, batch_ndim: int):
    return pt.moveaxis(x, batch_ndim, 0) if batch_ndim else x


def _time_back(x, batch_ndim: int):
    return pt.moveaxis(x, 0, batch_ndim) if batch_ndim else x


def _solve_S(S_t, X):
    """``S_t^-1 X`` by a Cholesky solve (``S_t`` is (..., m, m), ``X`` (..., m, p))."""
    return pt.linalg.cho_solve((pt.linalg.cholesky(S_t), True), X)


def _r_step(H_t, v_t, S_t, K_t, r, T):
    """``r_(t-1) = H' S^-1 v + L' r`` and ``L = T (I - K H)``."""
    L = T @ (pt.eye(T.shape[-1]) - K_t @ H_t)
    Hv = mv(H_t.T, _solve_S(S_t, pt.shape_padaxis(v_t, -1))[..., 0])
    return Hv + mv(L.mT, r), L


def smoother_graph(filt: FilterOutput, H_c, T, batch_ndim: int = 0) -> SmootherOutput:
    """The smoother of the module docstring on the outputs of :func:`kalman_filter_graph`;
    ``H_c`` (n, m, K) is the cleaned data of :func:`~bayes_beta.kalman.graph.filter.prepare`."""
    bp, Pp, v, S, Kg = (_time_first(x, batch_ndim) for x in (filt.beta_pred, filt.P_pred,
                                                              filt.v, filt.S, filt.K))
    K = bp.shape[-1]
    zeros_r = pt.zeros_like(bp[0])
    zeros_N = pt.zeros_like(Pp[0])

    def step(bp_t, Pp_t, v_t, S_t, K_t, H_t, r, N, T):
        r_prev, L = _r_step(H_t, v_t, S_t, K_t, r, T)
        lead = tuple(S_t.shape[i] for i in range(S_t.ndim - 1))  # (..., m)
        HSH = H_t.T @ _solve_S(S_t, pt.broadcast_to(H_t, (*lead, K)))
        N_prev = sym(HSH + L.mT @ N @ L)
        return r_prev, N_prev, bp_t + mv(Pp_t, r_prev), sym(Pp_t - Pp_t @ N_prev @ Pp_t)

    _, _, bs, Ps = pytensor.scan(
        step, sequences=[bp, Pp, v, S, Kg, H_c], outputs_info=[zeros_r, zeros_N, None, None],
        non_sequences=[pt.as_tensor_variable(T)], go_backwards=True, strict=True,
        return_updates=False, name="smoother")
    return SmootherOutput(*(_time_back(x[::-1], batch_ndim) for x in (bs, Ps)))


def kalman_smoother_graph(
    y, H, params: Params | Any, u=None, *, scalar_obs: bool | None = None
) -> tuple[FilterOutput, SmootherOutput]:
    """Filter and smoother graphs for ``y`` (n, m), ``H`` (n, m, K) and ``params``."""
    filt = kalman_filter_graph(y, H, params, u, scalar_obs=scalar_obs)
    H_c = prepare(y, H, params, u).H
    return filt, smoother_graph(filt, H_c, pt.as_tensor_variable(params.T), filt.loglik.ndim)


def _zero_model_filter(prep, filt, z_eta, z_eps, factors, nb):
    """Forward scan: ``beta+`` drawn from the model, and the zero-mean model's filter on
    ``y - y+`` with the real gains; returns ``(beta+, a_pred, v*)``, time first."""
    p = prep.p
    Kg = _time_first(filt.K, filt.loglik.ndim)

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
        return beta_plus, a_pred + mv(Kg_t, v), a_pred, v

    seqs = [prep.y, prep.H, prep.o, Kg, _time_first(z_eta, nb), _time_first(z_eps, nb)]
    beta_plus0 = p.b0 + mv(factors.P0_sqrt, factors.z0)
    beta_plus, _, a_pred, v = pytensor.scan(
        forward, sequences=seqs + ([prep.u] if p.B is not None else []),
        outputs_info=[beta_plus0, pt.zeros_like(beta_plus0), None, None],
        non_sequences=[p.T, factors.Q_sqrt, factors.R_sqrt, p.d]
        + ([p.B] if p.B is not None else []),
        strict=True, return_updates=False, name="dk_forward")
    return beta_plus, a_pred, v


class _Factors(NamedTuple):
    P0_sqrt: Any
    Q_sqrt: Any
    R_sqrt: Any
    z0: Any


def sample_paths_graph(y, H, params: Params | Any, z0, z_eta, z_eps, factors, u=None, *,
                       scalar_obs=None, return_all: bool = False):
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
    z0, z_eta, z_eps = (pt.as_tensor_variable(z) for z in (z0, z_eta, z_eps))
    fac = _Factors(*(pt.as_tensor_variable(f) for f in factors), z0)
    nb = z_eta.ndim - 2  # batch axes of the draws (those of params broadcast into them)
    beta_plus, a_pred, v = _zero_model_filter(prep, filt, z_eta, z_eps, fac, nb)
    fb = filt.loglik.ndim
    Pp, S, Kg = (_time_first(x, fb) for x in (filt.P_pred, filt.S, filt.K))

    def backward(a_pred_t, Pp_t, v_t, S_t, K_t, H_t, r, T):
        r_prev, _ = _r_step(H_t, v_t, S_t, K_t, r, T)
        return r_prev, a_pred_t + mv(Pp_t, r_prev)

    _, a_smooth = pytensor.scan(
        backward, sequences=[a_pred, Pp, v, S, Kg, prep.H],
        outputs_info=[pt.zeros_like(a_pred[0]), None], non_sequences=[prep.p.T],
        go_backwards=True, strict=True, return_updates=False, name="dk_backward")
    paths = _time_back(beta_plus + a_smooth[::-1], max(nb, fb))
    return (paths, filt, smooth) if return_all else paths
