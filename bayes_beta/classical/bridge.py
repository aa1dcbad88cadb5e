"""From the classical MLE to the Bayesian fit: MLE-centred priors and MLE lines on fan charts.

:func:`prior_from_mle` turns maximum-likelihood noise sds into a
:class:`bayes_beta.PriorVariant` of LogNormal priors centred on them, in the data units of
:func:`bayes_beta.make_design` (the units :mod:`bayes_beta.priors` works in)::

    sd_state_k ~ LogNormal(mu = log(s_k u_k), sigma = log_sd),  s_k = sqrt(Q_kk) / u_k
    sd_obs     ~ LogNormal(mu = log(s_r u_r), sigma = log_sd),  s_r = sqrt(R) / u_r

with ``u_k = sd(y) / sd(H_k) / sqrt(steps per year)`` and ``u_r = sd(y)``; the prior median is
the MLE and ``log_sd = 0.5`` puts 95% of the prior within a factor ``e^(1.96 * 0.5) = 2.7`` of it.

Per-factor centres use a LogNormal :class:`bayes_beta.NoisePrior` with a tuple of scales (one
per factor); a fit sampled with it saves and loads like any other.
"""

from __future__ import annotations

import warnings

import numpy as np

from bayes_beta.classical.mle import BoundaryWarning
from bayes_beta.data.design import make_design
from bayes_beta.errors import DataError, SpecError
from bayes_beta.specs.priors import NoisePrior, PriorVariant
from bayes_beta.specs.statespace import StateSpace

__all__ = ["mle_sds", "plot_mle_on_fan", "prior_from_mle"]


def mle_sds(spec_or_values) -> tuple[np.ndarray, float]:
    """The noise standard deviations ``(sqrt(diag Q), sqrt(R))`` of a classical model.

    Parameters
    ----------
    spec_or_values : KalmanSpec, bayes_beta.StateSpace, MLEResult, KalmanResults or dict
        Where to read ``Q`` and ``R``; a dict holds ``Q`` and ``R`` (matrices, or the variances
        ``diag Q`` and ``R``) or ``state_sd`` and ``obs_sd``.

    Returns
    -------
    state_sd : numpy.ndarray
        (K,) the state noise sds.
    obs_sd : float
        The observation noise sd.

    Raises
    ------
    bayes_beta.DataError
        An object (or dict) with no noise to read.
    bayes_beta.SpecError
        A spec whose ``Q`` or ``R`` is not set yet.

    Examples
    --------
    >>> import numpy as np
    >>> from bayes_beta.classical.bridge import mle_sds
    >>> mle_sds({"Q": np.diag([4e-4, 1e-6]), "R": [[2.5e-4]]})
    (array([0.02 , 0.001]), 0.015811388300841896)
    >>> mle_sds({"state_sd": 0.02, "obs_sd": 0.015})
    (array([0.02]), 0.015)
    """
    v = spec_or_values
    if isinstance(v, dict):
        if "state_sd" in v and "obs_sd" in v:
            return np.atleast_1d(np.asarray(v["state_sd"], dtype=float)), float(v["obs_sd"])
        if "Q" in v and "R" in v:
            Q, R = v["Q"], v["R"]
        else:
            raise DataError("Pass a dict with 'Q' and 'R' or with 'state_sd' and 'obs_sd'.")
    elif hasattr(v, "spec") and isinstance(v.spec, StateSpace):  # KalmanResults
        Q, R = v.spec.Q, v.spec.R
    elif all(hasattr(v, n) for n in ("Q", "R")):  # KalmanSpec, StateSpace, MLEResult
        Q, R = v.Q, v.R
    else:
        raise DataError(
            f"Cannot read noise sds from {type(v).__name__}; pass a KalmanSpec, a StateSpace, "
            "an MLEResult, KalmanResults or a dict."
        )
    if Q is None or R is None:
        raise SpecError("The spec has no Q or R yet; call set_noise_from_mle(df, target, factors).")
    Q = np.atleast_1d(np.asarray(Q, dtype=float))
    q = np.diag(Q) if Q.ndim == 2 else Q
    return np.sqrt(q), float(np.sqrt(np.asarray(R, dtype=float).reshape(-1)[0]))


def prior_from_mle(
    spec_or_values,
    df,
    target: str,
    factors,
    log_sd: float = 0.5,
    name: str = "mle",
    min_scale: float = 1e-3,
    **design_options,
) -> PriorVariant:
    r"""A :class:`bayes_beta.PriorVariant` of LogNormal priors centred on the MLE noise sds.

    In the data units of :func:`bayes_beta.make_design` (the units the priors work in),

    .. math::

        \mathrm{sd}_{\mathrm{state},k} &\sim \mathrm{LogNormal}(\mu = \log(s_k u_k),
        \ \sigma = \mathrm{log\_sd}), \qquad s_k = \sqrt{Q_{kk}} / u_k, \\
        \mathrm{sd}_\mathrm{obs} &\sim \mathrm{LogNormal}(\mu = \log(s_r u_r),
        \ \sigma = \mathrm{log\_sd}), \qquad s_r = \sqrt{R} / u_r,

    with :math:`u_k = \mathrm{sd}(y) / \mathrm{sd}(H_k) / \sqrt{\text{steps per year}}` and
    :math:`u_r = \mathrm{sd}(y)`: the prior median is the MLE, and ``log_sd = 0.5`` puts 95% of
    the prior within a factor :math:`e^{1.96 \cdot 0.5} = 2.7` of it. Per-factor centres use a
    LogNormal :class:`bayes_beta.NoisePrior` with a tuple of scales (one per factor); a fit
    sampled with it saves and loads like any other.

    A scale below ``min_scale`` (an MLE on the boundary, sd ~ 0) is raised to ``min_scale``
    with a :class:`~bayes_beta.classical.BoundaryWarning`: a LogNormal centred on ~0 would
    forbid any drift. ``1e-3`` state units is a yearly drift of 0.1% of a beta unit, i.e.
    practically static.

    Parameters
    ----------
    spec_or_values : KalmanSpec, bayes_beta.StateSpace, MLEResult, KalmanResults or dict
        Where the MLE noise is read (see :func:`~bayes_beta.classical.bridge.mle_sds`).
    df : pandas.DataFrame
        The data of the Bayesian fit.
    target : str
        The target column.
    factors : str or sequence of str
        The factor columns, as for :func:`bayes_beta.fit`.
    log_sd : float, default 0.5
        The LogNormal's ``sigma``.
    name : str, default "mle"
        The variant's name.
    min_scale : float, default 1e-3
        The smallest scale (in units) a prior is centred on.
    **design_options
        ``intercept``, ``dynamics``, ... for :func:`bayes_beta.make_design`, whose units the
        scales are expressed in; pass the same ones to :func:`bayes_beta.fit`.

    Returns
    -------
    bayes_beta.PriorVariant
        The variant, with a description of its centres.

    Raises
    ------
    bayes_beta.SpecError
        The MLE has another number of state sds than the design has exposures, negative sds,
        or a spec without ``Q`` or ``R``.
    bayes_beta.DataError
        Bad data, or an object with no noise to read.

    Warns
    -----
    bayes_beta.classical.BoundaryWarning
        A scale below ``min_scale`` was raised to it.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanSpec, prior_from_mle
    >>> df = bb.datasets.load_example()
    >>> spec = KalmanSpec(K=2).set_noise_from_mle(df, "Util", ["Mkt-RF", "d10y"])
    >>> variant = prior_from_mle(spec, df, "Util", ["Mkt-RF", "d10y"])
    >>> variant.name, variant.state.family, variant.obs.family, len(variant.state.scale)
    ('mle', 'lognormal', 'lognormal', 2)
    >>> variant.description
    'LogNormal(log_sd=0.5) centred on the MLE: state sd / unit = Mkt-RF: ..., d10y: ...; obs sd ...'

    ``bb.fit(df, "Util", ["Mkt-RF", "d10y"], priors=variant)`` then samples with these priors.
    """
    state_sd, obs_sd = mle_sds(spec_or_values)
    design = make_design(df, target, factors, **design_options)
    if state_sd.shape != (design.K,):
        raise SpecError(
            f"The MLE has {state_sd.size} state sds but the design has K = {design.K} "
            f"exposures ({', '.join(design.factors)}); use the same factors (and intercept)."
        )
    if not (np.all(state_sd >= 0) and obs_sd >= 0):
        raise SpecError("Noise sds must be non-negative.")
    scales = _floor(state_sd / design.state_unit, min_scale, design.factors)
    obs_scale = _floor(np.array([obs_sd / design.y_unit]), min_scale, ("obs",))[0]
    obs = NoisePrior("lognormal", scale=obs_scale, log_sd=log_sd)
    if np.allclose(scales, scales[0], rtol=1e-12):
        state = NoisePrior("lognormal", scale=float(scales[0]), log_sd=log_sd)
    else:
        state = NoisePrior("lognormal", scale=tuple(scales), log_sd=log_sd)
    text = ", ".join(f"{f}: {s:.3g}" for f, s in zip(design.factors, scales, strict=True))
    return PriorVariant(
        name,
        state=state,
        obs=obs,
        description=(
            f"LogNormal(log_sd={log_sd}) centred on the MLE: state sd / unit = {text}; "
            f"obs sd / sd(y) = {obs_sd / design.y_unit:.3g}."
        ),
    )


def _floor(scales: np.ndarray, min_scale: float, names) -> np.ndarray:
    low = scales < min_scale
    if low.any():
        listed = ", ".join(
            f"{n} ({s:.2g})" for n, s, lo in zip(names, scales, low, strict=True) if lo
        )
        warnings.warn(
            f"MLE noise sd on the boundary for {listed}: the prior is centred on min_scale = "
            f"{min_scale:g} units instead of ~0.",
            BoundaryWarning,
            stacklevel=3,
        )
    return np.maximum(scales, min_scale)


def plot_mle_on_fan(fig, results, smoothed: bool = True, filtered: bool = False):
    """Draw classical (MLE) exposures onto the panels of ``Fit.plot_exposures()``.

    Panels are matched to factors by their y label ``"beta: <factor>"`` (else by order, as
    ``fig.axes`` follows the design's factors); each gets the classical smoothed exposures
    (orange) and, optionally, the filtered ones (green), with a legend on the first panel.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The fan chart of a Bayesian fit, ``fit.plot_exposures()``, on the same factors.
    results : KalmanResults
        The classical results, e.g. of a :class:`KalmanSpec` with MLE noise.
    smoothed : bool, default True
        Draw the smoothed exposures.
    filtered : bool, default False
        Draw the filtered exposures.

    Returns
    -------
    matplotlib.figure.Figure
        The same Figure.

    Raises
    ------
    bayes_beta.DataError
        The figure has fewer panels than ``results`` has factors.

    Examples
    --------
    The figure normally comes from ``fit.plot_exposures()``; any figure with one panel per
    factor labelled ``"beta: <factor>"`` works the same way:

    >>> import matplotlib.pyplot as plt
    >>> import bayes_beta as bb
    >>> from bayes_beta.classical import KalmanEngine, KalmanSpec, plot_mle_on_fan
    >>> df = bb.datasets.load_example()
    >>> spec = KalmanSpec(K=2, name="MLE").set_noise_from_mle(df, "Util", ["Mkt-RF", "d10y"])
    >>> res = KalmanEngine(spec).run(df, "Util", ["Mkt-RF", "d10y"])
    >>> fig, axes = plt.subplots(2, 1)
    >>> for ax, factor in zip(axes, ["Mkt-RF", "d10y"]):
    ...     _ = ax.set_ylabel(f"beta: {factor}")
    >>> fig = plot_mle_on_fan(fig, res, filtered=True)
    >>> [len(ax.get_lines()) for ax in fig.axes]  # smoothed and filtered on each panel
    [2, 2]
    >>> plt.close("all")
    """
    axes = [ax for ax in fig.axes if ax.get_visible()]
    labels = {ax.get_ylabel().removeprefix("beta: "): ax for ax in axes}
    if all(f in labels for f in results.factors):
        pairs = [(f, labels[f]) for f in results.factors]
    elif len(axes) >= len(results.factors):
        pairs = list(zip(results.factors, axes, strict=False))
    else:
        raise DataError(
            f"The figure has {len(axes)} panels for {len(results.factors)} factors; pass the "
            "Figure of fit.plot_exposures() for the same factors."
        )
    for f, ax in pairs:
        if smoothed:
            ax.plot(
                results.index,
                results.smoothed[f],
                color="tab:orange",
                lw=1.2,
                label=f"{results.model_name} (classical, smoothed)",
            )
        if filtered:
            ax.plot(
                results.index,
                results.exposures[f],
                color="tab:green",
                lw=0.9,
                label=f"{results.model_name} (classical, filtered)",
            )
    pairs[0][1].legend(loc="upper left", fontsize=8, ncol=3)
    return fig
