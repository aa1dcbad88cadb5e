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
    """``(sqrt(diag Q), sqrt(R))`` from a KalmanSpec, StateSpace, MLEResult, KalmanResults or dict.

    A dict holds ``Q`` and ``R`` (matrices or variances) or ``state_sd`` and ``obs_sd``.
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
    """A :class:`bayes_beta.PriorVariant` of LogNormal priors centred on the MLE noise sds.

    ``design_options`` (``intercept``, ``dynamics``, ...) go to
    :func:`bayes_beta.make_design`, whose units the scales are expressed in; pass the
    same ones to :func:`bayes_beta.fit`. A scale below ``min_scale`` (an MLE on the boundary,
    sd ~ 0) is raised to ``min_scale`` with a :class:`~bayes_beta.classical.BoundaryWarning`:
    a LogNormal centred on ~0 would forbid any drift. ``1e-3`` state units is a yearly drift of
    0.1% of a beta unit, i.e. practically static.
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
    ``fig.axes`` follows the design's factors). Returns the same Figure.
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
