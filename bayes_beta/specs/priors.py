"""Named, composable prior variants on the noise scales: pure data (the PyMC variables are made
by :mod:`bayes_beta.bayesian.priors`).

Scales are **relative to the data**, so returns in percent or in decimals give the same exposures:

- observation noise sd ``sqrt(R)``: unit ``sd(y)``;
- state noise sd of factor k, ``sqrt(Q_kk)`` per step: unit
  ``u_k = sd(y) / sd(H_k) / sqrt(steps per year)``, i.e. a prior ``scale`` of 0.25 says "the
  exposure typically drifts by about a quarter of ``sd(y)/sd(H_k)`` per year" whatever the
  frequency.
  (``sd(y)/sd(H_k)`` is the size of a beta that explains all of ``y``; an intercept column uses
  ``sd(y)``.)

Families (``scale`` times the unit is ``s``):

==================  ==========================================================================
``halfnormal``      sd ~ HalfNormal(sigma = s)
``halfstudentt``    sd ~ HalfStudentT(nu, sigma = s)          heavy tail: allows fast drift
``exponential``     sd ~ Exponential(scale = s)
``lognormal``       sd ~ LogNormal(mu = log s, sigma = log_sd)
``inversegamma``    variance ~ InverseGamma(alpha, beta = (alpha - 1) s^2)   (mean s^2); sd = sqrt
==================  ==========================================================================
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np

from bayes_beta.errors import SpecError

__all__ = ["FAMILIES", "PRIOR_VARIANTS", "NoisePrior", "PoolingPrior", "PriorVariant",
           "VolatilityPrior", "get_variant"]

#: Groups of pooled parameters (:class:`PoolingPrior`).
POOLED_GROUPS = ("drift", "obs", "persistence", "share")
FAMILIES = ("halfnormal", "halfstudentt", "exponential", "lognormal", "inversegamma")


@dataclass(frozen=True)
class NoisePrior:
    """Prior on a positive noise scale (a standard deviation), relative to a data unit."""

    family: str = "halfnormal"
    scale: float | tuple[float, ...] = 1.0  # one number, or one per factor
    nu: float = 3.0  # halfstudentt degrees of freedom
    log_sd: float = 1.0  # lognormal sd of log(sd)
    alpha: float = 3.0  # inversegamma shape (on the variance)

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise SpecError(f"Unknown prior family {self.family!r}; choose one of {FAMILIES}.")
        if isinstance(self.scale, list | tuple | np.ndarray):
            object.__setattr__(self, "scale", tuple(float(x) for x in self.scale))
        for name in ("scale", "nu", "log_sd"):
            value = np.asarray(getattr(self, name), dtype=float)
            if value.size == 0 or not np.all(np.isfinite(value) & (value > 0)):
                raise SpecError(f"NoisePrior.{name} must be positive (a number, or one per "
                                f"factor for scale); got {getattr(self, name)!r}.")
        if self.family == "inversegamma" and not self.alpha > 1:
            raise SpecError(f"inversegamma needs alpha > 1 (a finite mean); got {self.alpha}.")

@dataclass(frozen=True)
class VolatilityPrior:
    """Priors of the moving-volatility models (``volatility`` other than ``"constant"``).

    - ``"stochastic"``: ``log R_t = 2 log(level sd(y)) + l + x_t``, ``l ~ N(0, level_sd)``,
      ``x`` a stationary AR(1) whose half-life in years is ``~ LogNormal(log(half_life),
      half_life_sd)`` (persistence per step ``2^(-1 / (half-life x steps per year))``, so the
      prior means the same for daily, weekly or monthly data and keeps away from a unit root)
      and whose shock sd is ``~ HalfNormal(vol_of_vol)`` per square-root year (divided by
      ``sqrt(steps per year)`` per step). The half-life prior (median 0.5 years, 95% within
      0.19-1.3 years) spans the persistence of equity volatility at daily to monthly steps;
    - ``"garch"``: the long-run sd takes the variant's ``obs`` prior; ``alpha + gamma ~
      Beta(*persistence)``, ``alpha / (alpha + gamma) ~ Beta(*garch_share)``;
    - ``"student_t"``: ``nu - 2 ~ Gamma(*nu)`` (shape, rate: mean 22 by default).
    """

    level: float = 0.7
    level_sd: float = 1.0
    half_life: float = 0.5
    half_life_sd: float = 0.5
    persistence: tuple[float, float] = (20.0, 1.5)
    vol_of_vol: float = 1.0
    garch_share: tuple[float, float] = (2.0, 8.0)
    nu: tuple[float, float] = (2.0, 0.1)

    def __post_init__(self) -> None:
        for name in ("persistence", "garch_share", "nu"):
            value = tuple(float(x) for x in getattr(self, name))
            if len(value) != 2 or not all(np.isfinite(x) and x > 0 for x in value):
                raise SpecError(f"VolatilityPrior.{name} must be two positive numbers; got "
                                f"{getattr(self, name)!r}.")
            object.__setattr__(self, name, value)
        for name in ("level", "level_sd", "half_life", "half_life_sd", "vol_of_vol"):
            if not (np.isfinite(getattr(self, name)) and getattr(self, name) > 0):
                raise SpecError(f"VolatilityPrior.{name} must be positive; got "
                                f"{getattr(self, name)!r}.")


@dataclass(frozen=True)
class PoolingPrior:
    """Hyperpriors of partial pooling across funds (``pooling="partial"``), non-centred.

    Each fund's noise scales are log-normal around a population median, on the same unit-free
    scales as the independent priors (``u`` the data units of the module docstring)::

        sigma_state[f, k] = u_k[f] exp(drift_mu_k + drift_tau_k z[f, k])
        sigma_obs[f]      = sd(y_f) exp(obs_mu + obs_tau z_obs[f])
        drift_mu_k ~ N(log drift, drift_sd)     drift_tau_k ~ HalfNormal(drift_spread)
        obs_mu     ~ N(log obs, obs_sd)         obs_tau     ~ HalfNormal(obs_spread)
        z, z_obs ~ N(0, 1)

    so ``exp(drift_mu_k)`` is the population's median yearly drift of exposure ``k`` in units
    of ``sd(y)/sd(H_k)`` and ``drift_tau_k`` how much funds differ (a ratio of ``exp(tau)``
    per population sd). The defaults centre both at the median of the default variant's
    HalfNormal priors (0.17 and 0.67). With GARCH, each fund's persistence and the share of
    ``alpha`` in it are logit-normal around population values:
    ``logit p[f] = persistence_mu + persistence_tau z_p[f]`` (prior means at those of the
    Beta priors of :class:`VolatilityPrior`, 0.93 and 0.2).
    """

    drift: float = 0.17
    drift_sd: float = 1.0
    drift_spread: float = 1.0
    obs: float = 0.67
    obs_sd: float = 1.0
    obs_spread: float = 0.5
    persistence: float = 0.93
    persistence_sd: float = 1.0
    persistence_spread: float = 0.5
    share: float = 0.2
    share_sd: float = 1.0
    share_spread: float = 0.5
    centred: tuple[str, ...] = ("obs",)

    def __post_init__(self) -> None:
        object.__setattr__(self, "centred", tuple(self.centred))
        unknown = set(self.centred) - set(POOLED_GROUPS)
        if unknown:
            raise SpecError(f"PoolingPrior.centred takes groups from {POOLED_GROUPS}; got "
                            f"{sorted(unknown)}.")
        for name, value in asdict(self).items():
            if name == "centred":
                continue
            if not (np.isfinite(value) and value > 0):
                raise SpecError(f"PoolingPrior.{name} must be positive; got {value!r}.")
        for name in ("persistence", "share"):
            if not getattr(self, name) < 1:
                raise SpecError(f"PoolingPrior.{name} is a probability (between 0 and 1); got "
                                f"{getattr(self, name)!r}.")


@dataclass(frozen=True)
class PriorVariant:
    """A named set of priors on the noise: ``sqrt(diag Q)`` (state), ``sqrt(R)`` (obs).

    ``correlated=True`` gives a full ``Q = L L'`` with an LKJ(eta) prior on its correlations and
    ``state`` as the prior on its sds. ``phi_alpha, phi_beta``: Beta prior on the persistence
    ``phi`` of mean-reverting dynamics (used only with ``dynamics="mean_reverting"``).
    ``volatility``: the priors of the moving-volatility models; ``pooling``: the hyperpriors
    of partial pooling across funds.
    """

    name: str
    state: NoisePrior = field(default_factory=lambda: NoisePrior("halfnormal", 0.25))
    obs: NoisePrior = field(default_factory=lambda: NoisePrior("halfnormal", 1.0))
    correlated: bool = False
    lkj_eta: float = 2.0
    phi_alpha: float = 20.0
    phi_beta: float = 1.5
    description: str = ""
    volatility: VolatilityPrior = field(default_factory=VolatilityPrior)
    pooling: PoolingPrior = field(default_factory=PoolingPrior)

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise SpecError("A prior variant needs a non-empty name.")
        if self.correlated and self.state.family == "inversegamma":
            raise SpecError(
                "A correlated Q takes its sds from halfnormal, halfstudentt, exponential "
                "or lognormal; inversegamma is on variances. Choose another family."
            )
        for name in ("lkj_eta", "phi_alpha", "phi_beta"):
            if not getattr(self, name) > 0:
                raise SpecError(f"PriorVariant.{name} must be positive; got {getattr(self, name)}.")

    def with_(self, **changes) -> PriorVariant:
        """A copy with some fields changed (variants compose: ``get_variant('tight').with_(...)``)."""
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> PriorVariant:
        d = dict(d)
        for key in ("state", "obs"):
            if isinstance(d.get(key), dict):
                d[key] = NoisePrior(**d[key])
        if isinstance(d.get("volatility"), dict):
            d["volatility"] = VolatilityPrior(**d["volatility"])
        if isinstance(d.get("pooling"), dict):
            d["pooling"] = PoolingPrior(**d["pooling"])
        return cls(**d)


PRIOR_VARIANTS: dict[str, PriorVariant] = {
    v.name: v
    for v in (
        PriorVariant(
            "default",
            description="Weakly informative: HalfNormal sds, yearly drift scale 0.25 sd(y)/sd(H_k).",
        ),
        PriorVariant(
            "tight",
            state=NoisePrior("halfnormal", 0.025),
            description="Near-static exposures: yearly drift scale 0.025 sd(y)/sd(H_k).",
        ),
        PriorVariant(
            "loose",
            state=NoisePrior("halfstudentt", 1.0, nu=3.0),
            obs=NoisePrior("halfstudentt", 1.0, nu=3.0),
            description="Heavy-tailed HalfStudentT(3): allows fast drift.",
        ),
        PriorVariant(
            "correlated",
            correlated=True,
            description="Full Q with LKJ(2) correlations and HalfNormal sds.",
        ),
    )
}


def get_variant(priors: str | PriorVariant) -> PriorVariant:
    """A built-in variant by name, or the user's own :class:`PriorVariant` unchanged."""
    if isinstance(priors, PriorVariant):
        return priors
    if isinstance(priors, str) and priors in PRIOR_VARIANTS:
        return PRIOR_VARIANTS[priors]
    raise SpecError(
        f"Unknown prior variant {priors!r}; use one of {sorted(PRIOR_VARIANTS)} or "
        "pass a bayes_beta.PriorVariant."
    )
