"""Maximum-likelihood noise variances through the fused Kalman kernel (exact gradients).

The model is a :class:`~bayes_beta.StateSpace` with scalar observations (``m = 1``). Some
diagonal entries of ``Q`` and the observation variance ``R = [[r]]`` are free; everything else
(``T``, ``b0``, ``P0``, off-diagonal and fixed entries of ``Q``, ``B``, ``d``) is held at the
spec's values. The optimiser works on normalised log-variances::

    theta_k = log(q_k / u_k^2)      free state variance q_k = Q[k, k], unit u_k
    theta_r = log(r / u_r^2)        observation variance, unit u_r

so every coordinate is of order one whatever the data's units. Default units: ``u_r = sd(y)``
and ``u_k = sd(y) / sd(H_k)`` (the size of a beta that explains all of ``y``; ``sd(y)`` when
``H_k`` is constant). The objective is ``-sum_t l_t(theta) / n_obs`` with ``l_t`` the filter's
one-step-ahead log-density; value and gradient come from one call of the fused kernel
(:func:`bayes_beta.kalman.fused.loglik_value_grad`, a forward and an adjoint pass), with
``d loglik / d log q_k = Q~_kk q_k`` and ``d loglik / d log r = r~ r``.

Optimiser: ``scipy.optimize.minimize(method="L-BFGS-B")`` from several starting points, box
bounds ``sd / unit`` in ``[1e-6, 1e2]`` (``theta`` in ``[2 log 1e-6, 2 log 1e2]``); the best
optimum wins. A variance whose MLE sd is below ``boundary_sd * unit`` (default ``1e-4``) or
that ends on a box bound sits on the boundary of the parameter space (variance 0 means a static
exposure, or an observation without noise): a :class:`BoundaryWarning` says so.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from bayes_beta.errors import DataError, SpecError
from bayes_beta.kalman.fused import loglik_value_grad
from bayes_beta.kalman.inputs import check_inputs
from bayes_beta.specs.statespace import StateSpace

__all__ = [
    "BOUNDS",
    "START_SDS",
    "BoundaryWarning",
    "MLEResult",
    "fit_noise_mle",
    "noise_loglik",
]

#: Box bounds of ``theta`` (normalised log-variances): sd / unit in [1e-6, 1e2].
BOUNDS = (2.0 * np.log(1e-6), 2.0 * np.log(1e2))
#: Starting points as (state sd / u_k, observation sd / u_r); ``n_starts`` takes the first ones.
START_SDS = ((0.01, 0.5), (0.1, 0.5), (0.001, 0.9), (0.03, 0.2), (0.3, 0.05))


class BoundaryWarning(UserWarning):
    """A maximum-likelihood variance sits on the boundary of its parameter space (near 0).

    Variance 0 means a static exposure (a ``Q`` entry) or an observation without noise (``R``);
    the likelihood cannot tell such a variance from 0 (or from the optimiser's bound). Emitted by
    :func:`fit_noise_mle` (and the :class:`~bayes_beta.classical.KalmanSpec` MLE setters) and by
    :func:`~bayes_beta.classical.prior_from_mle` when it raises a scale to its floor.

    See Also
    --------
    bayes_beta.classical.fit_noise_mle : Emits it; ``warn=False`` silences it.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import BoundaryWarning, fit_noise_mle
    >>> H = bb.datasets.load_example()[["Mkt-RF"]].to_numpy()
    >>> y = 0.8 * H[:, 0] + np.random.default_rng(0).normal(0.0, 0.01, len(H))  # a static beta
    >>> base = bb.StateSpace.random_walk(Q=[[0.0]], R=1.0, b0=[0.8], P0=[[0.01]])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = fit_noise_mle(y, H, base, names=["Mkt-RF"])
    >>> res.at_boundary, [w.category.__name__ for w in caught]
    (('Q[Mkt-RF]',), ['BoundaryWarning'])
    >>> issubclass(BoundaryWarning, UserWarning)
    True
    """


class MLEResult(NamedTuple):
    r"""Outcome of :func:`fit_noise_mle`.

    Attributes
    ----------
    Q : numpy.ndarray
        (K, K) the full state noise covariance at the optimum (fixed entries as in the spec).
    R : numpy.ndarray
        (1, 1) the observation noise variance at the optimum.
    loglik : float
        The maximised log-likelihood :math:`\sum_t l_t`.
    theta : numpy.ndarray
        The normalised log-variances at the optimum: the free states, then ``r``.
    names : tuple of str
        Labels of ``theta``: ``Q[<state>]`` for each free state, then ``R``.
    at_boundary : tuple of str
        The labels whose variance sits on the boundary of the parameter space.
    converged : bool
        Whether the best run of the optimiser converged.
    message : str
        The optimiser's message for the best run.
    loglik_starts : numpy.ndarray
        The optimum reached from each start.
    n_obs : int
        The number of observed steps.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanSpec
    >>> df = bb.datasets.load_example()
    >>> res = KalmanSpec(K=2).set_noise_from_mle(df, "Util", ["Mkt-RF", "d10y"]).mle
    >>> res.names, res.Q.shape, res.R.shape, res.theta.shape, res.n_obs
    (('Q[Mkt-RF]', 'Q[d10y]', 'R'), (2, 2), (1, 1), (3,), 1421)
    >>> len(res.loglik_starts), bool(res.loglik >= res.loglik_starts.max() - 1e-9)
    (3, True)
    """

    Q: np.ndarray
    R: np.ndarray
    loglik: float
    theta: np.ndarray
    names: tuple[str, ...]
    at_boundary: tuple[str, ...]
    converged: bool
    message: str
    loglik_starts: np.ndarray
    n_obs: int


class _Problem(NamedTuple):
    """Kernel inputs of a spec on data: ``y - d`` (n,), ``H`` (n, K), ``T`` (its diagonal when
    diagonal), the control input ``B u_t`` (n, K) or zeros (1, K)."""

    y: np.ndarray
    H: np.ndarray
    T: np.ndarray
    c: np.ndarray


def _problem(y, H, spec: StateSpace, u=None) -> _Problem:
    y, H, u, _ = check_inputs(y, H, spec, u)
    if y.shape[1] != 1:
        raise DataError(f"MLE of the noise needs one observation per step; y has {y.shape[1]}.")
    T = spec.T
    if np.array_equal(T, np.diag(np.diag(T))):
        T = np.diag(T).copy()
    c = np.zeros((1, spec.K)) if u is None else np.ascontiguousarray(u @ spec.B.T)
    return _Problem(y[:, 0] - spec.d[0], np.ascontiguousarray(H[:, 0, :]), T, c)


def _value_grad(prob: _Problem, spec: StateSpace, Q_fixed, free, log_q, log_r):
    """``(loglik, d/d log_q (K,), d/d log_r)`` at ``Q = Q_fixed + diag(free exp(log_q))``."""
    q = free * np.exp(log_q)
    r = float(np.exp(log_r))
    ll, g = loglik_value_grad(prob.y, prob.H, prob.T, Q_fixed + np.diag(q), np.array([r]),
                              spec.b0, spec.P0, prob.c, False, spec.K)
    return float(ll), np.diag(g[1]) * q, float(g[2][0]) * r


def _free_mask(spec: StateSpace, free_q) -> np.ndarray:
    if free_q is None:
        return np.ones(spec.K)
    mask = np.asarray(free_q, dtype=bool)
    if mask.shape != (spec.K,):
        raise SpecError(f"free_q must have one flag per state (K = {spec.K}); got {mask.shape}.")
    return mask.astype(float)


def noise_loglik(y, H, spec: StateSpace, log_q, log_r: float, free_q=None, u=None):
    r"""Log-likelihood and its gradient at given log-variances.

    With ``Q[k, k] = exp(log_q[k])`` for the free states ``k`` and ``R = exp(log_r)``,
    returns the filter's log-likelihood and its exact gradient,

    .. math::

        \ell = \sum_t l_t, \qquad
        \frac{\partial \ell}{\partial \log q_k} = \tilde Q_{kk} q_k, \qquad
        \frac{\partial \ell}{\partial \log r} = \tilde r \, r,

    with :math:`\tilde Q, \tilde r` the adjoints of ``Q`` and ``r`` from one call of the fused
    kernel (a forward and an adjoint pass). Entries of ``log_q`` for fixed states are ignored
    (their gradient is 0) and those states keep ``spec.Q``. The log-variances are raw (not
    normalised): this is the function :func:`fit_noise_mle` optimises.

    Parameters
    ----------
    y, H : array_like
        The data as for :func:`bayes_beta.kalman_filter`, with one observation per step.
    spec : bayes_beta.StateSpace
        The model; ``T, b0, P0``, ``B``, ``d`` and the fixed ``Q`` entries are used as they are.
    log_q : array_like
        (K,) log state variances.
    log_r : float
        Log observation variance.
    free_q : sequence of bool, optional
        One flag per state: which ``Q[k, k]`` take ``exp(log_q[k])`` (default all).
    u : array_like, optional
        (n, p) control input of ``spec.B``.

    Returns
    -------
    loglik : float
        :math:`\sum_t l_t`.
    grad_log_q : numpy.ndarray
        (K,) the derivative with respect to ``log_q`` (0 for fixed states).
    grad_log_r : float
        The derivative with respect to ``log_r``.

    Raises
    ------
    bayes_beta.DataError
        More than one observation per step, or bad data.
    bayes_beta.SpecError
        ``free_q`` without one flag per state, or data that do not match the spec.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import noise_loglik
    >>> df = bb.datasets.load_example()
    >>> y, H = df["Util"].to_numpy(), df[["Mkt-RF", "d10y"]].to_numpy()
    >>> base = bb.StateSpace.random_walk(Q=np.zeros((2, 2)), R=1.0, b0=[0.5, 0.0],
    ...                                  P0=np.diag([0.25, 0.01]))
    >>> ll, g_q, g_r = noise_loglik(y, H, base, np.log([4e-4, 4e-6]), np.log(2.5e-4))
    >>> g_q.shape, isinstance(g_r, float)
    ((2,), True)
    >>> ss = bb.StateSpace.random_walk(Q=np.diag([4e-4, 4e-6]), R=2.5e-4, b0=[0.5, 0.0],
    ...                                P0=np.diag([0.25, 0.01]))
    >>> bool(np.isclose(ll, bb.kalman_filter(y, H, ss).loglik))
    True
    """
    prob = _problem(y, H, spec, u)
    free = _free_mask(spec, free_q)
    Q_fixed = np.array(spec.Q) * (1.0 - np.diag(free))
    log_q = np.asarray(log_q, dtype=float).reshape(spec.K)
    return _value_grad(prob, spec, Q_fixed, free, log_q, float(log_r))


def default_units(y, H) -> tuple[np.ndarray, float]:
    r"""Default units of the normalised log-variances of :func:`fit_noise_mle`.

    .. math::

        u_r = \mathrm{sd}(y), \qquad u_k = \frac{\mathrm{sd}(y)}{\mathrm{sd}(H_k)}

    (the size of a beta that explains all of ``y``; ``sd(y)`` when ``H_k`` is constant),
    computed on the rows where ``y`` and every ``H_t`` entry are finite.

    Parameters
    ----------
    y : array_like
        (n,) or (n, 1) target returns.
    H : array_like
        (n, K) or (n, 1, K) factor returns.

    Returns
    -------
    u_k : numpy.ndarray
        (K,) the state units.
    u_r : float
        The observation unit.

    Raises
    ------
    bayes_beta.DataError
        Fewer than two complete rows, or a constant target.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.classical.mle import default_units
    >>> y = [1.0, -1.0, np.nan, 1.0, -1.0]
    >>> H = [[1.0], [-1.0], [0.0], [2.0], [-2.0]]
    >>> default_units(y, H)  # rows 0, 1, 3, 4: sd(y) = 1, sd(H) = sqrt(2.5)
    (array([0.63245553]), 1.0)
    """
    y = np.asarray(y, dtype=float).reshape(len(y), -1)[:, 0]
    H = np.asarray(H, dtype=float).reshape(len(y), -1)
    ok = np.isfinite(y) & np.isfinite(H).all(axis=1)
    if ok.sum() < 2:
        raise DataError("At least two complete rows of y and H are needed to estimate the noise.")
    sd_y = float(np.std(y[ok]))
    if sd_y == 0:
        raise DataError("The target is constant: its noise variances cannot be estimated.")
    sd_h = np.std(H[ok], axis=0)
    return sd_y / np.where(sd_h > 0, sd_h, 1.0), sd_y


def _starts(n_starts: int, n_free: int, starts) -> list[np.ndarray]:
    if starts is None:
        if not 1 <= int(n_starts) <= len(START_SDS):
            raise SpecError(f"n_starts must be between 1 and {len(START_SDS)}; got {n_starts}.")
        starts = START_SDS[: int(n_starts)]
    out = []
    for sd_q, sd_r in starts:
        theta = np.r_[np.full(n_free, 2.0 * np.log(sd_q)), 2.0 * np.log(sd_r)]
        out.append(np.clip(theta, *BOUNDS))
    return out


def fit_noise_mle(
    y,
    H,
    spec: StateSpace,
    *,
    free_q: Sequence[bool] | None = None,
    names: Sequence[str] | None = None,
    units: tuple[Sequence[float], float] | None = None,
    n_starts: int = 3,
    starts: Sequence[tuple[float, float]] | None = None,
    boundary_sd: float = 1e-4,
    u=None,
    warn: bool = True,
) -> MLEResult:
    r"""Maximise the filter's log-likelihood over the free ``diag Q`` entries and ``R``.

    The model is a :class:`~bayes_beta.StateSpace` with one observation per step. The free
    diagonal entries :math:`q_k` of ``Q`` and the observation variance ``R = [[r]]`` are
    estimated; everything else (``T``, ``b0``, ``P0``, off-diagonal and fixed entries of ``Q``,
    ``B``, ``d``) is held at the spec's values. The optimiser works on normalised
    log-variances, of order one whatever the data's units,

    .. math::

        \theta_k = \log \frac{q_k}{u_k^2}, \qquad \theta_r = \log \frac{r}{u_r^2}, \qquad
        \hat\theta = \arg\min_\theta \left( -\frac{1}{n_\mathrm{obs}} \sum_t l_t(\theta) \right),

    with :math:`l_t` the filter's one-step-ahead log-density and the units ``u`` of
    :func:`~bayes_beta.classical.mle.default_units` unless given (:math:`u_r = \mathrm{sd}(y)`,
    :math:`u_k = \mathrm{sd}(y) / \mathrm{sd}(H_k)`). Value and gradient come from one call of
    the fused kernel (:func:`noise_loglik`). ``scipy.optimize.minimize(method="L-BFGS-B")``
    runs from several starting points within the box bounds ``sd / unit`` in
    ``[1e-6, 1e2]`` (:math:`\theta \in [2 \log 10^{-6}, 2 \log 10^2]`); the best optimum wins.
    A variance whose MLE sd is below ``boundary_sd * unit`` or that ends on a box bound sits on
    the boundary of the parameter space (variance 0 means a static exposure, or an observation
    without noise): a :class:`BoundaryWarning` says so.

    Parameters
    ----------
    y, H : array_like
        The data as for :func:`bayes_beta.kalman_filter` (one observation per step).
    spec : bayes_beta.StateSpace
        The model; its ``T, b0, P0`` (and fixed ``Q`` entries, ``B``, ``d``) are held fixed.
    free_q : sequence of bool, optional
        One flag per state: which ``Q[k, k]`` are estimated (default all). The off-diagonal
        entries of ``Q`` in a free row or column are set to 0.
    names : sequence of str, optional
        State names for labels and messages (default ``beta_0, beta_1, ...``).
    units : tuple, optional
        ``(u_k, u_r)`` of the normalisation (default
        :func:`~bayes_beta.classical.mle.default_units`).
    n_starts : int, default 3
        How many of the built-in starting points (``START_SDS``, 1 to 5) to use.
    starts : sequence of (float, float), optional
        Explicit starting points ``(state sd / u_k, obs sd / u_r)`` instead.
    boundary_sd : float, default 1e-4
        A variance with ``sd < boundary_sd * unit`` counts as on the boundary.
    u : array_like, optional
        (n, p) control input of ``spec.B``.
    warn : bool, default True
        Emit a :class:`BoundaryWarning` for variances on the boundary.

    Returns
    -------
    MLEResult
        ``Q``, ``R``, the log-likelihood at the optimum and the optimiser's record.

    Raises
    ------
    bayes_beta.DataError
        More than one observation per step, fewer than two complete rows, or a constant target.
    bayes_beta.SpecError
        ``free_q`` without one flag per state, ``n_starts`` outside ``1 .. 5``, or data that do
        not match the spec.

    Warns
    -----
    BoundaryWarning
        A variance sits on the boundary (with ``warn=True``).

    See Also
    --------
    bayes_beta.classical.KalmanSpec.set_noise_from_mle : The same on a DataFrame, into a spec.
    bayes_beta.classical.lag_noise_mle : The two-step lag model's ``q, r``.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import fit_noise_mle
    >>> df = bb.datasets.load_example()
    >>> y, H = df["Util"].to_numpy(), df[["Mkt-RF", "d10y"]].to_numpy()
    >>> base = bb.StateSpace.random_walk(Q=np.zeros((2, 2)), R=1.0, b0=[0.5, 0.0],
    ...                                  P0=np.diag([0.25, 0.01]))
    >>> res = fit_noise_mle(y, H, base, names=["Mkt-RF", "d10y"])
    >>> res.names, res.converged, res.at_boundary
    (('Q[Mkt-RF]', 'Q[d10y]', 'R'), True, ())
    >>> ss = bb.StateSpace.random_walk(Q=res.Q, R=res.R, b0=base.b0, P0=base.P0)
    >>> bool(np.isclose(res.loglik, bb.kalman_filter(y, H, ss).loglik))
    True

    Only the first state's drift is estimated; the second keeps its ``Q`` entry (here a static
    exposure):

    >>> res = fit_noise_mle(y, H, base, free_q=[True, False], names=["Mkt-RF", "d10y"])
    >>> res.names, float(res.Q[1, 1])
    (('Q[Mkt-RF]', 'R'), 0.0)
    """
    prob = _problem(y, H, spec, u)
    free = _free_mask(spec, free_q)
    idx = np.flatnonzero(free)
    names = tuple(names) if names is not None else tuple(f"beta_{k}" for k in range(spec.K))
    u_q, u_r = default_units(prob.y, prob.H) if units is None else units
    u_q = np.broadcast_to(np.asarray(u_q, dtype=float), (spec.K,))
    Q_fixed = np.array(spec.Q)
    Q_fixed[idx, :] = 0.0
    Q_fixed[:, idx] = 0.0
    n_obs = int((np.isfinite(prob.y) & np.isfinite(prob.H).all(axis=1)).sum())
    shift = np.r_[2.0 * np.log(u_q[idx]), 2.0 * np.log(u_r)]

    def objective(theta):
        raw = theta + shift
        log_q = np.zeros(spec.K)
        log_q[idx] = raw[:-1]
        ll, g_q, g_r = _value_grad(prob, spec, Q_fixed, free, log_q, raw[-1])
        if not np.isfinite(ll):
            return 1e10, np.zeros_like(theta)
        return -ll / n_obs, -np.r_[g_q[idx], g_r] / n_obs

    runs = _optimise(objective, _starts(n_starts, len(idx), starts))
    best = min(runs, key=lambda r: r.fun)
    theta = np.asarray(best.x, dtype=float)
    raw = theta + shift
    Q = Q_fixed.copy()
    Q[idx, idx] = np.exp(raw[:-1])
    labels = (*(f"Q[{names[k]}]" for k in idx), "R")
    edge = ((theta <= 2.0 * np.log(boundary_sd)) | (theta <= BOUNDS[0] + 1e-6)
            | (theta >= BOUNDS[1] - 1e-6))
    at_boundary = tuple(lab for lab, e in zip(labels, edge, strict=True) if e)
    if warn and at_boundary:
        _warn_boundary(at_boundary, theta, labels, edge)
    return MLEResult(Q=Q, R=np.array([[np.exp(raw[-1])]]), loglik=-float(best.fun) * n_obs,
                     theta=theta, names=labels, at_boundary=at_boundary,
                     converged=bool(best.success), message=str(best.message),
                     loglik_starts=np.array([-r.fun * n_obs for r in runs]), n_obs=n_obs)


def _optimise(objective, starts) -> list:
    """L-BFGS-B from each start (box bounds :data:`BOUNDS`); the runs, in order."""
    from scipy.optimize import minimize

    return [minimize(objective, theta0, jac=True, method="L-BFGS-B",
                     bounds=[BOUNDS] * len(theta0),
                     options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9})
            for theta0 in starts]


def _warn_boundary(at_boundary, theta, labels, edge) -> None:
    parts = []
    for lab, th, e in zip(labels, theta, edge, strict=True):
        if not e:
            continue
        what = "a static exposure" if lab.startswith("Q") else "an observation without noise"
        if th >= BOUNDS[1] - 1e-6:
            what = "an implausibly large variance (check the data's units)"
        parts.append(f"{lab} (sd = {np.exp(th / 2):.2g} x its unit: {what})")
    warnings.warn(
        "The maximum-likelihood optimum sits on the boundary of the parameter space for "
        + "; ".join(parts)
        + ". The likelihood cannot tell this variance from 0 (or the bound); treat its MLE as "
        "the boundary value, fix it, or use the Bayesian fit (bb.fit), whose prior regularises it.",
        BoundaryWarning,
        stacklevel=3,
    )
