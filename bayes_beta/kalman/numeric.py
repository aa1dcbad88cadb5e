"""NumPy-facing Kalman filter, smoother, path draws and simulation.

These functions take NumPy arrays or pandas objects, check them against a
:class:`~bayes_beta.StateSpace`, run the pytensor graphs of :mod:`bayes_beta.kalman.graph`
(compiled once per process and kept in pytensor's on-disk cache between processes) and return
NamedTuples of NumPy arrays. Any multivariate ``m``, time-varying ``H_t`` and control input.

Shapes: ``y`` is (n,) for one observation per step (a fund) or (n, m); ``H`` is (n, K) for
``m = 1`` or (n, m, K). NaN in ``y_t`` or in a row of ``H_t`` skips that row's update.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

from bayes_beta.errors import NumericalError
from bayes_beta.kalman.inputs import as_float, check_count, check_finite, check_inputs, check_seed
from bayes_beta.kalman.simulate import simulate_states
from bayes_beta.specs.statespace import StateSpace, psd_factor

__all__ = [
    "FilterResult",
    "Simulation",
    "SmootherResult",
    "kalman_filter",
    "kalman_smoother",
    "sample_paths",
    "simulate",
]


class FilterResult(NamedTuple):
    """Filter output as NumPy arrays (``n`` steps, ``K`` states, ``m`` observations).

    ``v`` and ``S`` are NaN on unobserved rows; ``K`` has zero columns there.
    """

    loglik: float
    loglik_t: np.ndarray  # (n,)
    beta_pred: np.ndarray  # (n, K)
    P_pred: np.ndarray  # (n, K, K)
    beta_filt: np.ndarray  # (n, K)
    P_filt: np.ndarray  # (n, K, K)
    v: np.ndarray  # (n, m)
    S: np.ndarray  # (n, m, m)
    K: np.ndarray  # (n, K, m)


class SmootherResult(NamedTuple):
    """Filter and RTS smoother output as NumPy arrays."""

    loglik: float
    loglik_t: np.ndarray
    beta_pred: np.ndarray
    P_pred: np.ndarray
    beta_filt: np.ndarray
    P_filt: np.ndarray
    v: np.ndarray
    S: np.ndarray
    K: np.ndarray
    beta_smooth: np.ndarray  # (n, K)
    P_smooth: np.ndarray  # (n, K, K)

    def to_dataset(self, time=None, factors=None):
        """Exposures as an ``xarray.Dataset`` with dims ``time`` and ``factor``.

        Variables ``filtered_mean``, ``filtered_sd``, ``smoothed_mean``, ``smoothed_sd`` (sd is the
        square root of the diagonal of ``P_filt`` / ``P_smooth``) and ``loglik_t``.
        """
        import xarray as xr

        n, K = self.beta_filt.shape
        coords = {
            "time": np.arange(n) if time is None else np.asarray(time),
            "factor": [f"beta_{k}" for k in range(K)] if factors is None else list(factors),
        }
        dims = ("time", "factor")

        def sd(P):
            return np.sqrt(np.diagonal(P, axis1=1, axis2=2))

        return xr.Dataset(
            {
                "filtered_mean": (dims, self.beta_filt),
                "filtered_sd": (dims, sd(self.P_filt)),
                "smoothed_mean": (dims, self.beta_smooth),
                "smoothed_sd": (dims, sd(self.P_smooth)),
                "loglik_t": (("time",), self.loglik_t),
            },
            coords=coords,
            attrs={"loglik": self.loglik},
        )


class Simulation(NamedTuple):
    """A simulated exposure path and its observations."""

    beta: np.ndarray  # (n, K)
    y: np.ndarray  # (n,) when H was (n, K), else (n, m)


# ---------------------------------------------------------------------------- compiled graphs


@cache
def _compiled(kind: str, scalar_obs: bool):
    """Compile (once per process) the filter, filter+smoother or path-draw graph.

    The control input is always part of the graph (zeros when a spec has none), so each kind
    compiles once per observation path (scalar or multivariate).
    """
    import pytensor
    import pytensor.tensor as pt

    from bayes_beta.kalman.graph import (
        Params,
        kalman_filter_graph,
        kalman_smoother_graph,
        sample_paths_graph,
    )

    y = pt.tensor("y", shape=(None, 1) if scalar_obs else (None, None))
    H = pt.tensor("H", shape=(None, 1, None) if scalar_obs else (None, None, None))
    T, Q, R, P0 = (pt.matrix(n) for n in ("T", "Q", "R", "P0"))
    b0, d = pt.vector("b0"), pt.vector("d")
    B, u = pt.matrix("B"), pt.matrix("u")
    params = Params(T, Q, R, b0, P0, B, d)
    inputs = [y, H, T, Q, R, b0, P0, d, B, u]
    if kind == "filter":
        outputs = list(kalman_filter_graph(y, H, params, u, scalar_obs=scalar_obs))
    elif kind == "smoother":
        filt, smooth = kalman_smoother_graph(y, H, params, u, scalar_obs=scalar_obs)
        outputs = [*filt, smooth.beta_smooth, smooth.P_smooth]
    else:
        z0, z_eta, z_eps = pt.matrix("z0"), pt.tensor3("z_eta"), pt.tensor3("z_eps")
        factors = [pt.matrix(n) for n in ("P0_sqrt", "Q_sqrt", "R_sqrt")]
        outputs = [
            sample_paths_graph(y, H, params, z0, z_eta, z_eps, factors, u, scalar_obs=scalar_obs)
        ]
        inputs += [z0, z_eta, z_eps, *factors]
    return pytensor.function(inputs, outputs, on_unused_input="ignore")


def _spec_args(spec: StateSpace, u, n: int) -> list[np.ndarray]:
    if u is None:
        B, u = np.zeros((spec.K, 1)), np.zeros((n, 1))
    else:
        B = spec.B
    return [spec.T, spec.Q, spec.R, spec.b0, spec.P0, spec.d, B, u]


def _run(kind: str, y, H, spec: StateSpace, u) -> list:
    index = getattr(y, "index", None)
    y, H, u, _ = check_inputs(y, H, spec, u)
    fn = _compiled(kind, y.shape[1] == 1)
    out = [np.asarray(a) for a in fn(y, H, *_spec_args(spec, u, len(y)))]
    out[0] = float(out[0])
    observed = ~(np.isnan(y) | np.isnan(H).any(axis=-1))  # (n, m)
    check_finite(out, observed, index)
    if kind == "smoother" and not np.isfinite(out[10]).all():
        t = int(np.argmax(~np.isfinite(out[10]).reshape(len(y), -1).all(axis=1)))
        raise NumericalError(f"P_smooth is not finite at step {t}: the smoothed covariances "
                             "left floating point range; check the scale of Q and P0.")
    out[6] = np.where(observed, out[6], np.nan)
    out[7] = np.where(observed[:, :, None] & observed[:, None, :], out[7], np.nan)
    return out


# ---------------------------------------------------------------------------- public API


def kalman_filter(y, H, spec: StateSpace, u=None) -> FilterResult:
    """Kalman filter of ``y`` on ``H`` under ``spec`` (:mod:`bayes_beta.kalman.graph.filter`).

    Parameters
    ----------
    y : (n,) or (n, m) array, Series or DataFrame. NaN marks a missing observation.
    H : (n, K) or (n, m, K) array, or a DataFrame (n, K) of factor returns.
    spec : :class:`~bayes_beta.StateSpace`.
    u : (n, p) control input, required when ``spec.B`` is set.
    """
    return FilterResult(*_run("filter", y, H, spec, u))


def kalman_smoother(y, H, spec: StateSpace, u=None) -> SmootherResult:
    """Kalman filter and smoother (``beta_smooth``, ``P_smooth``) of ``y`` on ``H``
    (:mod:`bayes_beta.kalman.graph.smoother`); singular ``Q`` and ``P0`` work."""
    return SmootherResult(*_run("smoother", y, H, spec, u))


def sample_paths(y, H, spec: StateSpace, draws: int = 1, seed=None, u=None) -> np.ndarray:
    """Joint draws of the whole exposure path ``beta_{1:n} | y`` under ``spec``.

    Durbin-Koopman simulation smoother (:mod:`bayes_beta.kalman.graph.smoother`). The same ``seed``
    (an int or ``numpy.random.Generator``) gives the same draws. Returns ``(draws, n, K)``.
    """
    draws, rng = check_count("draws", draws), check_seed(seed)
    _run("filter", y, H, spec, u)  # refuses what the recursions cannot do, naming the step
    y, H, u, _ = check_inputs(y, H, spec, u)
    n, m, K = H.shape
    z0 = rng.standard_normal((draws, K))
    z_eta = rng.standard_normal((draws, n, K))
    z_eps = rng.standard_normal((draws, n, m))
    factors = [psd_factor(M) for M in (spec.P0, spec.Q, spec.R)]
    fn = _compiled("paths", m == 1)
    return np.asarray(fn(y, H, *_spec_args(spec, u, n), z0, z_eta, z_eps, *factors)[0])


def simulate(spec: StateSpace, H, seed=None, u=None) -> Simulation:
    """Simulate ``beta_{1:n}`` and ``y_{1:n}`` from the model (:mod:`bayes_beta.kalman.simulate`).

    ``beta_0 ~ N(b0, P0)``, ``beta_t = T beta_(t-1) + B u_t + eta_t``,
    ``y_t = H_t beta_t + d + eps_t``. Rows of ``H`` with NaN give NaN in ``y``.
    """
    rng = check_seed(seed)
    H_arr = as_float("H", H)
    n = H_arr.shape[0]
    y_shape = (n,) if H_arr.ndim == 2 else (n, spec.m)
    _, H3, u, _ = check_inputs(np.zeros(y_shape), H_arr, spec, u)
    P0_sqrt, Q_sqrt, R_sqrt = (psd_factor(M)[None] for M in (spec.P0, spec.Q, spec.R))
    c = None if u is None else (u @ spec.B.T)[None]
    beta, y = simulate_states(spec.T[None], Q_sqrt, R_sqrt, spec.b0[None], P0_sqrt, H3,
                              rng, c=c, d=spec.d)
    return Simulation(beta[0], y[0, :, 0] if H_arr.ndim == 2 else y[0])
