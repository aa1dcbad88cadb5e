"""Propagate posterior draws of the noise parameters through filter, smoother and path draws.

For every draw ``theta_s``: the Kalman filter (per-step log-likelihood ``l_t``, filtered means
and variances), the RTS smoother and one joint Durbin-Koopman path draw ``beta^(s)_{1:n}``, all
draws in one batched pytensor graph (parameters carry a leading draw axis), run in chunks to
bound memory. The set of paths is the posterior of the exposures: it integrates state *and*
parameter uncertainty. The law of total variance splits it::

    Var(beta_t | y) = E_theta[ Var(beta_t | theta, y) ] + Var_theta( E[beta_t | theta, y] )
                      (state part)                       (parameter part)
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from bayes_beta.design import Design

__all__ = ["Propagated", "draw_matrices", "loglik_terms_all", "propagate"]


class DrawMatrices(NamedTuple):
    """Per-draw model matrices, leading axis = draws."""

    T: np.ndarray  # (S, K, K)
    Q_sqrt: np.ndarray  # (S, K, K)
    R_sqrt: np.ndarray  # (S, 1, 1)
    b0: np.ndarray  # (S, K)
    P0: np.ndarray  # (S, K, K)
    B: np.ndarray  # (S, K, 1)


class Propagated(NamedTuple):
    """Per-draw outputs (S = draws) and their aggregates over draws."""

    loglik_t: np.ndarray  # (S, n)
    path: np.ndarray  # (S, n, K) joint smoothed path draws
    filtered_mean: np.ndarray  # (S, n, K) E[beta_t | y_1..t, theta_s]
    filtered_draw: np.ndarray  # (S, n, K) marginal draws from N(filtered mean, P_filt diag)
    smoothed_mean: np.ndarray  # (n, K) mean over draws of E[beta_t | y, theta_s]
    smoothed_param_var: np.ndarray  # (n, K) variance over draws of the smoother means
    smoothed_state_var: np.ndarray  # (n, K) mean over draws of diag P_smooth
    filtered_param_var: np.ndarray  # (n, K)
    filtered_state_var: np.ndarray  # (n, K)


def draw_matrices(posterior: dict[str, np.ndarray], design: Design) -> DrawMatrices:
    """Model matrices of each draw from flattened posterior arrays (draw axis first)."""
    sigma_obs = np.asarray(posterior["sigma_obs"], dtype=float)
    S, K = sigma_obs.shape[0], design.K
    if "L_state" in posterior:
        Q_sqrt = np.asarray(posterior["L_state"], dtype=float)
    else:
        Q_sqrt = np.einsum("sk,kj->skj", posterior["sigma_state"], np.eye(K))
    if "phi" in posterior:
        phi, mu = posterior["phi"], posterior["mu"]
        T = np.einsum("sk,kj->skj", phi, np.eye(K))
        B = ((1.0 - phi) * mu)[:, :, None]
    else:
        T, B = np.broadcast_to(np.eye(K), (S, K, K)), np.zeros((S, K, 1))
    if "b0" in posterior:
        b0, P0 = np.asarray(posterior["b0"], dtype=float), np.zeros((S, K, K))
    else:
        b0 = np.broadcast_to(design.b0, (S, K))
        P0 = np.broadcast_to(design.P0, (S, K, K))
    return DrawMatrices(
        np.ascontiguousarray(T),
        Q_sqrt,
        sigma_obs.reshape(S, 1, 1),
        np.ascontiguousarray(b0),
        np.ascontiguousarray(P0),
        B,
    )


@lru_cache(maxsize=1)
def _compiled():
    import pytensor
    import pytensor.tensor as pt

    from bayes_beta.kalman import Params, sample_paths_graph

    y = pt.tensor("y", shape=(None, 1))
    H = pt.tensor("H", shape=(None, 1, None))
    u = pt.matrix("u")
    T, Q_sqrt, R_sqrt, P0, B = (pt.tensor3(n) for n in ("T", "Q_sqrt", "R_sqrt", "P0", "B"))
    b0, z0 = pt.matrix("b0"), pt.matrix("z0")
    z_eta, z_eps = pt.tensor3("z_eta"), pt.tensor3("z_eps")
    P0_sqrt = pt.tensor3("P0_sqrt")
    params = Params(T, Q_sqrt @ Q_sqrt.mT, R_sqrt @ R_sqrt.mT, b0, P0, B)
    paths, filt, smooth = sample_paths_graph(
        y,
        H,
        params,
        z0,
        z_eta,
        z_eps,
        (P0_sqrt, Q_sqrt, R_sqrt),
        u,
        scalar_obs=True,
        return_all=True,
    )
    diag = lambda P: pt.diagonal(P, axis1=-2, axis2=-1)  # noqa: E731
    outputs = [
        filt.loglik_t,
        paths,
        filt.beta_filt,
        diag(filt.P_filt),
        smooth.beta_smooth,
        diag(smooth.P_smooth),
    ]
    inputs = [y, H, u, T, Q_sqrt, R_sqrt, b0, P0, B, z0, z_eta, z_eps, P0_sqrt]
    return pytensor.function(inputs, outputs)


def _psd_sqrt(P: np.ndarray) -> np.ndarray:
    w, V = np.linalg.eigh(P)
    return V * np.sqrt(np.clip(w, 0.0, None))[..., None, :]


def loglik_terms_all(mats: DrawMatrices, design: Design) -> np.ndarray:
    """Per-step log-likelihood ``l_t`` (S, n) of every draw (the filter alone, no smoother):
    the ``log_likelihood`` group when only some draws are propagated to exposure paths."""
    from bayes_beta.kalman.fused import loglik_terms

    S, K = mats.T.shape[0], design.K
    H = np.ascontiguousarray(design.H)
    out = np.empty((S, len(design.y)))
    for s in range(S):
        Q = mats.Q_sqrt[s] @ mats.Q_sqrt[s].T
        out[s] = loglik_terms(design.y, H, np.ascontiguousarray(mats.T[s]), Q,
                              float(mats.R_sqrt[s, 0, 0]) ** 2, mats.b0[s], mats.P0[s],
                              mats.B[s, :, 0].copy(), False, K)
    return out


KEYS = ("loglik_t", "path", "filtered_mean", "filtered_var", "smoothed_mean", "smoothed_var")
ENGINES = ("numba", "pytensor")


def propagate(
    mats: DrawMatrices, design: Design, seed=None, chunk: int = 5000, engine: str = "numba"
) -> Propagated:
    """Run every draw through filter, smoother and one path draw (see module docstring).

    ``engine="numba"`` runs :func:`bayes_beta.kalman.numba_kernels.propagate_scalar` (parallel
    over draws); ``"pytensor"`` the batched pytensor graphs (the reference; slower). Both use
    the same random numbers, so they give the same draws.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}")
    rng = np.random.default_rng(seed)
    S, K, n = mats.T.shape[0], design.K, len(design.y)
    P0_sqrt = _psd_sqrt(mats.P0)
    z_all = (
        rng.standard_normal((S, K)),
        rng.standard_normal((S, n, K)),
        rng.standard_normal((S, n, 1)),
    )
    out = {k: [] for k in KEYS}
    for start in range(0, S, chunk):
        sl = slice(start, min(start + chunk, S))
        z = [x[sl] for x in z_all]
        part = [np.ascontiguousarray(m[sl]) for m in mats]
        if engine == "numba":
            from bayes_beta.kalman.numba_kernels import propagate_scalar

            T, Q_sqrt, R_sqrt, b0, P0, B = part
            res = propagate_scalar(
                design.y,
                design.H,
                T,
                Q_sqrt,
                R_sqrt[:, 0, 0].copy(),
                b0,
                P0,
                np.ascontiguousarray(P0_sqrt[sl]),
                B[:, :, 0].copy(),
                z[0],
                z[1],
                z[2][:, :, 0].copy(),
            )
        else:
            res = _compiled()(
                design.y[:, None], design.H[:, None, :], np.ones((n, 1)), *part, *z, P0_sqrt[sl]
            )
        for k, r in zip(KEYS, res, strict=True):
            out[k].append(np.asarray(r))
    o = {k: np.concatenate(v, axis=0) for k, v in out.items()}
    filtered_draw = o["filtered_mean"] + np.sqrt(o["filtered_var"]) * rng.standard_normal(
        o["filtered_mean"].shape
    )
    return Propagated(
        loglik_t=o["loglik_t"],
        path=o["path"],
        filtered_mean=o["filtered_mean"],
        filtered_draw=filtered_draw,
        smoothed_mean=o["smoothed_mean"].mean(0),
        smoothed_param_var=o["smoothed_mean"].var(0),
        smoothed_state_var=o["smoothed_var"].mean(0),
        filtered_param_var=o["filtered_mean"].var(0),
        filtered_state_var=o["filtered_var"].mean(0),
    )
