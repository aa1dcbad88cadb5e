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
    r"""Kalman filter output as NumPy arrays (``n`` steps, ``K`` states, ``m`` observations).

    Returned by :func:`bayes_beta.kalman_filter`. ``v`` and ``S`` are NaN on unobserved rows;
    ``K`` has zero columns there.

    Attributes
    ----------
    loglik : float
        The marginal log-likelihood :math:`\log p(y_{1:n}) = \sum_t l_t`.
    loglik_t : numpy.ndarray
        (n,) :math:`l_t = \log p(y_t \mid y_{1:t-1})`, 0 where :math:`y_t` is wholly
        unobserved.
    beta_pred : numpy.ndarray
        (n, K) predicted means :math:`E[\beta_t \mid y_{1:t-1}]`.
    P_pred : numpy.ndarray
        (n, K, K) predicted covariances.
    beta_filt : numpy.ndarray
        (n, K) filtered means :math:`E[\beta_t \mid y_{1:t}]` (real time: no data after
        :math:`t`).
    P_filt : numpy.ndarray
        (n, K, K) filtered covariances.
    v : numpy.ndarray
        (n, m) innovations :math:`v_t = y_t - H_t \beta_{t|t-1} - d`.
    S : numpy.ndarray
        (n, m, m) innovation variances :math:`S_t = H_t P_{t|t-1} H_t' + R`.
    K : numpy.ndarray
        (n, K, m) Kalman gains :math:`P_{t|t-1} H_t' S_t^{-1}`.

    See Also
    --------
    bayes_beta.kalman_filter : Computes it.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> spec = bb.StateSpace.random_walk(Q=[[1e-4]], R=1e-2, b0=[1.0])
    >>> res = bb.kalman_filter([1.1, np.nan, 0.9], [[1.0], [1.0], [1.0]], spec)
    >>> res.beta_filt.shape, res.P_filt.shape, res.v.shape, res.S.shape, res.K.shape
    ((3, 1), (3, 1, 1), (3, 1), (3, 1, 1), (3, 1, 1))
    >>> bool(np.isnan(res.v[1, 0])), float(res.loglik_t[1]), float(res.K[1, 0, 0])
    (True, 0.0, 0.0)
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
    r"""Kalman filter and RTS smoother output as NumPy arrays.

    Returned by :func:`bayes_beta.kalman_smoother`: the fields of
    :class:`bayes_beta.FilterResult` followed by the smoothed moments.

    Attributes
    ----------
    loglik : float
        The marginal log-likelihood :math:`\sum_t l_t`.
    loglik_t : numpy.ndarray
        (n,) :math:`l_t = \log p(y_t \mid y_{1:t-1})`.
    beta_pred : numpy.ndarray
        (n, K) predicted means :math:`E[\beta_t \mid y_{1:t-1}]`.
    P_pred : numpy.ndarray
        (n, K, K) predicted covariances.
    beta_filt : numpy.ndarray
        (n, K) filtered means :math:`E[\beta_t \mid y_{1:t}]`.
    P_filt : numpy.ndarray
        (n, K, K) filtered covariances.
    v : numpy.ndarray
        (n, m) innovations (NaN on unobserved rows).
    S : numpy.ndarray
        (n, m, m) innovation variances (NaN on unobserved rows).
    K : numpy.ndarray
        (n, K, m) Kalman gains (zero columns on unobserved rows).
    beta_smooth : numpy.ndarray
        (n, K) smoothed means :math:`E[\beta_t \mid y_{1:n}]`.
    P_smooth : numpy.ndarray
        (n, K, K) smoothed covariances.

    See Also
    --------
    bayes_beta.kalman_smoother : Computes it.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> spec = bb.StateSpace.random_walk(Q=[[1e-4]], R=1e-2, b0=[1.0])
    >>> res = bb.kalman_smoother([1.1, 1.0, 0.9], [[1.0], [1.0], [1.0]], spec)
    >>> res.beta_smooth.shape, res.P_smooth.shape
    ((3, 1), (3, 1, 1))
    >>> bool(np.allclose(res.beta_smooth[-1], res.beta_filt[-1]))  # same at the last step
    True
    """

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

        The variables are ``filtered_mean``, ``filtered_sd``, ``smoothed_mean``, ``smoothed_sd``
        (each sd the square root of the diagonal of ``P_filt`` / ``P_smooth``) and ``loglik_t``;
        ``attrs["loglik"]`` holds the log-likelihood.

        Parameters
        ----------
        time : array_like, optional
            (n,) time coordinate, e.g. the dates; default ``0 .. n-1``.
        factors : list of str, optional
            (K,) factor names; default ``beta_0 .. beta_{K-1}``.

        Returns
        -------
        xarray.Dataset
            The exposures, dims ``(time, factor)``.

        See Also
        --------
        bayes_beta.plots.plot_filtered_smoothed : Draws it.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> df = bb.datasets.load_example()
        >>> spec = bb.StateSpace.random_walk(Q=[[4e-4]], R=2.25e-4, b0=[0.5], P0=[[0.25]])
        >>> ds = bb.kalman_smoother(df["Util"], df[["Mkt-RF"]], spec).to_dataset(
        ...     time=df.index, factors=["Mkt-RF"])
        >>> dict(ds.sizes), list(ds.data_vars)
        ({'time': 1421, 'factor': 1}, ['filtered_mean', 'filtered_sd', 'smoothed_mean',
         'smoothed_sd', 'loglik_t'])
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
    r"""A simulated exposure path and its observations.

    Returned by :func:`bayes_beta.simulate`.

    Attributes
    ----------
    beta : numpy.ndarray
        (n, K) the simulated states :math:`\beta_{1:n}`.
    y : numpy.ndarray
        (n,) observations when ``H`` was (n, K), else (n, m).

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> spec = bb.StateSpace.random_walk(Q=np.diag([1e-4, 1e-5]), R=1e-4)
    >>> sim = bb.simulate(spec, np.ones((50, 2)), seed=0)
    >>> sim.beta.shape, sim.y.shape
    ((50, 2), (50,))
    """

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
    r"""Kalman filter of ``y`` on ``H`` under ``spec``.

    Runs the filter's pytensor graph (``bayes_beta.kalman.graph.filter``; compiled once per
    process and kept in pytensor's on-disk cache between processes). For
    :math:`t = 1, \dots, n`, starting from :math:`\beta_{0|0} = b_0`, :math:`P_{0|0} = P_0`:

    .. math::

        \beta_{t|t-1} &= T \beta_{t-1|t-1} + B u_t, \qquad
            P_{t|t-1} = T P_{t-1|t-1} T' + Q, \\
        v_t &= y_t - H_t \beta_{t|t-1} - d, \qquad S_t = H_t P_{t|t-1} H_t' + R, \qquad
            K_t = P_{t|t-1} H_t' S_t^{-1}, \\
        \beta_{t|t} &= \beta_{t|t-1} + K_t v_t, \qquad
            P_{t|t} = (I - K_t H_t) P_{t|t-1} (I - K_t H_t)' + K_t R K_t', \\
        l_t &= -\tfrac{1}{2} \left(m_t \log 2\pi + \log |S_t| + v_t' S_t^{-1} v_t\right),

    (the covariance update in Joseph form), with :math:`l_t = \log p(y_t \mid y_{1:t-1})` and
    :math:`m_t` the number of observed rows. A row of :math:`y_t` is unobserved when it or any
    entry of its row of :math:`H_t` is NaN; unobserved rows are dropped exactly, and with every
    row unobserved the update is skipped (:math:`l_t = 0`). Any multivariate :math:`m`,
    time-varying :math:`H_t` and control input work.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        (n,) for one observation per step (a fund) or (n, m). NaN marks a missing observation.
    H : array_like or pandas.DataFrame
        (n, K) for ``m = 1`` (e.g. a DataFrame of factor returns), or (n, m, K).
    spec : StateSpace
        The model matrices (:class:`bayes_beta.StateSpace`).
    u : array_like, optional
        (n, p) control input, required when ``spec.B`` is set (and only then).

    Returns
    -------
    FilterResult
        Log-likelihood, predicted and filtered moments, innovations and gains.

    Raises
    ------
    bayes_beta.DataError
        When the data are not numeric, hold ``inf``, or their shapes do not match each other or
        the spec (see :func:`bayes_beta.kalman.check_inputs`).
    bayes_beta.SpecError
        When ``spec`` is not a :class:`bayes_beta.StateSpace`.
    bayes_beta.NumericalError
        At the first step where an observed innovation variance is not positive (``R = 0`` and
        an exactly predicted observation) or a mean or covariance leaves floating point range.

    See Also
    --------
    bayes_beta.kalman_smoother : Adds the smoothed exposures.

    Examples
    --------
    Utilities on the market and the 10-year yield change, random-walk exposures:

    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> spec = bb.StateSpace.random_walk(Q=np.diag([0.02**2, 0.002**2]), R=0.015**2,
    ...                                  b0=[0.5, -0.01], P0=np.diag([0.25, 0.01]))
    >>> res = bb.kalman_filter(df["Util"], df[["Mkt-RF", "d10y"]], spec)
    >>> res.beta_filt.shape, res.P_filt.shape, round(res.loglik, 2)
    ((1421, 2), (1421, 2, 2), 3844.03)
    >>> res.beta_filt[-1].round(3).tolist()
    [0.583, -0.073]
    >>> bool(np.isclose(res.loglik_t.sum(), res.loglik))
    True

    An observation that the model predicts exactly cannot be explained:

    >>> exact = bb.StateSpace.random_walk(Q=[[0.0]], R=0.0, P0=[[0.0]])
    >>> bb.kalman_filter([0.1, 0.2], [[1.0], [1.0]], exact)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.NumericalError: The innovation variance S_t = H_t P_pred H_t' + R is 0 at ...
    """
    return FilterResult(*_run("filter", y, H, spec, u))


def kalman_smoother(y, H, spec: StateSpace, u=None) -> SmootherResult:
    r"""Kalman filter and RTS smoother of ``y`` on ``H`` under ``spec``.

    Runs :func:`bayes_beta.kalman_filter`, then the backward recursions of Durbin & Koopman
    (2012, sec. 4.4) of the graph ``bayes_beta.kalman.graph.smoother``, from :math:`r_n = 0`,
    :math:`N_n = 0`, with :math:`L_t = T (I - K_t H_t)`:

    .. math::

        r_{t-1} &= H_t' S_t^{-1} v_t + L_t' r_t, \qquad
            N_{t-1} = H_t' S_t^{-1} H_t + L_t' N_t L_t, \\
        \beta_{t|n} &= \beta_{t|t-1} + P_{t|t-1} r_{t-1}, \qquad
            P_{t|n} = P_{t|t-1} - P_{t|t-1} N_{t-1} P_{t|t-1}.

    :math:`P_{t|t-1}` is never factorised, so a singular :math:`Q` and :math:`P_0` (known static
    exposures) work.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        (n,) or (n, m) observations; NaN marks a missing observation.
    H : array_like or pandas.DataFrame
        (n, K) for ``m = 1``, or (n, m, K).
    spec : StateSpace
        The model matrices (:class:`bayes_beta.StateSpace`).
    u : array_like, optional
        (n, p) control input, required when ``spec.B`` is set (and only then).

    Returns
    -------
    SmootherResult
        The filter's output and the smoothed moments ``beta_smooth``, ``P_smooth``.

    Raises
    ------
    bayes_beta.DataError
        When the data do not match each other or the spec.
    bayes_beta.SpecError
        When ``spec`` is not a :class:`bayes_beta.StateSpace`.
    bayes_beta.NumericalError
        When the filter fails (see :func:`bayes_beta.kalman_filter`) or the smoothed
        covariances leave floating point range.

    See Also
    --------
    bayes_beta.SmootherResult.to_dataset : The exposures as an ``xarray.Dataset``.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> spec = bb.StateSpace.random_walk(Q=np.diag([0.02**2, 0.002**2]), R=0.015**2,
    ...                                  b0=[0.5, -0.01], P0=np.diag([0.25, 0.01]))
    >>> res = bb.kalman_smoother(df["Util"], df[["Mkt-RF", "d10y"]], spec)
    >>> res.beta_smooth.shape, res.P_smooth.shape
    ((1421, 2), (1421, 2, 2))
    >>> bool(np.allclose(res.beta_smooth[-1], res.beta_filt[-1]))  # no later data to use
    True
    >>> bool((res.P_smooth[:, 0, 0] <= res.P_filt[:, 0, 0] + 1e-12).all())  # more data, less doubt
    True
    """
    return SmootherResult(*_run("smoother", y, H, spec, u))


def sample_paths(y, H, spec: StateSpace, draws: int = 1, seed=None, u=None) -> np.ndarray:
    r"""Joint draws of the whole exposure path :math:`\beta_{1:n} \mid y` under ``spec``.

    The Durbin-Koopman (2002) simulation smoother (``bayes_beta.kalman.graph.smoother``): draw
    :math:`\beta^+` and :math:`y^+` from the model, then

    .. math::

        \tilde\beta = \beta^+ + E_0[\beta \mid y - y^+],

    where :math:`E_0` is the smoothed mean of the zero-mean model (:math:`b_0 = 0`, no
    :math:`B u`, no :math:`d`) with the gains of the real data. It needs only square-root factors
    of :math:`Q`, :math:`R` and :math:`P_0` (which may be singular). The same ``seed`` gives the
    same draws.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        (n,) or (n, m) observations; NaN marks a missing observation.
    H : array_like or pandas.DataFrame
        (n, K) for ``m = 1``, or (n, m, K).
    spec : StateSpace
        The model matrices (:class:`bayes_beta.StateSpace`).
    draws : int, default 1
        Number of paths (a positive integer).
    seed : int or numpy.random.Generator, optional
        Random seed (a non-negative integer) or generator; ``None`` draws fresh entropy.
    u : array_like, optional
        (n, p) control input, required when ``spec.B`` is set (and only then).

    Returns
    -------
    numpy.ndarray
        (draws, n, K) paths.

    Raises
    ------
    bayes_beta.ArgumentError
        When ``draws`` is not a positive integer or ``seed`` is invalid.
    bayes_beta.DataError
        When the data do not match each other or the spec.
    bayes_beta.NumericalError
        When the filter cannot run (see :func:`bayes_beta.kalman_filter`), naming the step.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> spec = bb.StateSpace.random_walk(Q=np.diag([0.02**2, 0.002**2]), R=0.015**2,
    ...                                  b0=[0.5, -0.01], P0=np.diag([0.25, 0.01]))
    >>> y, H = df["Util"], df[["Mkt-RF", "d10y"]]
    >>> paths = bb.sample_paths(y, H, spec, draws=100, seed=1)
    >>> paths.shape
    (100, 1421, 2)
    >>> bool(np.array_equal(paths, bb.sample_paths(y, H, spec, draws=100, seed=1)))
    True
    >>> smooth = bb.kalman_smoother(y, H, spec).beta_smooth
    >>> bool(np.abs(paths.mean(axis=0) - smooth).max() < 0.1)  # centred on the smoother
    True
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
    r"""Simulate :math:`\beta_{1:n}` and :math:`y_{1:n}` from the model.

    .. math::

        \beta_0 \sim N(b_0, P_0), \qquad \beta_t = T \beta_{t-1} + B u_t + \eta_t, \qquad
        y_t = H_t \beta_t + d + \varepsilon_t,

    with :math:`\eta_t \sim N(0, Q)` and :math:`\varepsilon_t \sim N(0, R)`
    (``bayes_beta.kalman.simulate``). Rows of ``H`` with NaN give NaN in ``y``. The same
    ``seed`` gives the same simulation.

    Parameters
    ----------
    spec : StateSpace
        The model matrices (:class:`bayes_beta.StateSpace`).
    H : array_like or pandas.DataFrame
        (n, K) factor values for ``m = 1``, or (n, m, K).
    seed : int or numpy.random.Generator, optional
        Random seed (a non-negative integer) or generator; ``None`` draws fresh entropy.
    u : array_like, optional
        (n, p) control input, required when ``spec.B`` is set (and only then).

    Returns
    -------
    Simulation
        The states ``beta`` (n, K) and observations ``y``, (n,) when ``H`` is (n, K) else
        (n, m).

    Raises
    ------
    bayes_beta.ArgumentError
        When ``seed`` is invalid.
    bayes_beta.DataError
        When ``H`` or ``u`` does not match the spec.
    bayes_beta.SpecError
        When ``spec`` is not a :class:`bayes_beta.StateSpace`.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> spec = bb.StateSpace.random_walk(Q=np.diag([0.02**2, 0.002**2]), R=0.015**2,
    ...                                  b0=[0.5, -0.01], P0=np.diag([0.25, 0.01]))
    >>> H = df[["Mkt-RF", "d10y"]].to_numpy(copy=True)
    >>> sim = bb.simulate(spec, H, seed=0)
    >>> sim.beta.shape, sim.y.shape
    ((1421, 2), (1421,))
    >>> bool(np.array_equal(sim.y, bb.simulate(spec, H, seed=0).y))
    True
    >>> H[5, 0] = np.nan
    >>> bool(np.isnan(bb.simulate(spec, H, seed=0).y[5]))
    True
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
