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
class _Names(dict):
    """Registered names, in registration order (``in``, iteration and ``tuple(...)`` give the
    names)."""

    def __repr__(self) -> str:
        return repr(tuple(self))


#: Families of :class:`NoisePrior`: the built-ins, and those added by
#: :func:`bayes_beta.bayesian.priors.register_family`.
FAMILIES: dict[str, bool] = _Names.fromkeys(
    ("halfnormal", "halfstudentt", "exponential", "lognormal", "inversegamma"), True)


@dataclass(frozen=True)
class NoisePrior:
    r"""Prior on a positive noise scale (a standard deviation), relative to a data unit.

    Scales are relative to the data, so returns in percent or in decimals give the same
    exposures: the observation-noise sd :math:`\sqrt{R}` has unit ``sd(y)``; the state-noise sd
    of factor :math:`k`, :math:`\sqrt{Q_{kk}}` per step, has unit
    :math:`u_k = \mathrm{sd}(y) / \mathrm{sd}(H_k) / \sqrt{\text{steps per year}}` (an intercept
    column uses ``sd(y)``). A state ``scale`` of 0.25 thus says "the exposure typically drifts by
    about a quarter of ``sd(y)/sd(H_k)`` per year" whatever the frequency.

    With :math:`s` = ``scale`` times the unit, the families are:

    - ``"halfnormal"``: :math:`\mathrm{sd} \sim \mathrm{HalfNormal}(\sigma = s)`;
    - ``"halfstudentt"``: :math:`\mathrm{sd} \sim \mathrm{HalfStudentT}(\nu, \sigma = s)`, a heavy
      tail that allows fast drift;
    - ``"exponential"``: :math:`\mathrm{sd} \sim \mathrm{Exponential}(\text{scale} = s)`;
    - ``"lognormal"``: :math:`\mathrm{sd} \sim \mathrm{LogNormal}(\mu = \log s, \sigma)` with
      :math:`\sigma` = ``log_sd``;
    - ``"inversegamma"``: :math:`\text{variance} \sim \mathrm{InverseGamma}(\alpha,
      \beta = (\alpha - 1) s^2)` (mean :math:`s^2`), :math:`\mathrm{sd} = \sqrt{\text{variance}}`.

    Parameters
    ----------
    family : str, default "halfnormal"
        One of ``FAMILIES``: ``"halfnormal"``, ``"halfstudentt"``, ``"exponential"``,
        ``"lognormal"``, ``"inversegamma"``.
    scale : float or tuple of float, default 1.0
        Scale relative to the data unit: one number, or one per factor (a list is stored as a
        tuple).
    nu : float, default 3.0
        Degrees of freedom of ``"halfstudentt"``.
    log_sd : float, default 1.0
        Sd of :math:`\log(\mathrm{sd})` of ``"lognormal"``.
    alpha : float, default 3.0
        Shape of ``"inversegamma"`` (on the variance); must exceed 1 (a finite mean).

    Raises
    ------
    bayes_beta.SpecError
        For an unknown family, a ``scale``, ``nu`` or ``log_sd`` that is not positive and finite,
        or ``alpha <= 1`` with ``"inversegamma"``.

    See Also
    --------
    bayes_beta.PriorVariant : A named set of noise priors.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> bb.NoisePrior("halfstudentt", [0.1, 0.2])
    NoisePrior(family='halfstudentt', scale=(0.1, 0.2), nu=3.0, log_sd=1.0, alpha=3.0)
    >>> bb.NoisePrior("gamma")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: Unknown prior family 'gamma'; choose one of ('halfnormal', ...
    """

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
    r"""Priors of the moving-volatility models (``volatility`` other than ``"constant"``).

    - ``"stochastic"``: :math:`\log R_t = 2 \log(L \, \mathrm{sd}(y)) + l + x_t` with
      :math:`L` = ``level`` and :math:`l \sim N(0, s_l)`, :math:`s_l` = ``level_sd``;
      :math:`x` is a stationary AR(1) whose half-life in years is
      :math:`\sim \mathrm{LogNormal}(\log h, s_h)`, :math:`h` = ``half_life``, :math:`s_h` =
      ``half_life_sd`` (persistence per step :math:`2^{-1 / (h \times \text{steps per
      year})}`, so the prior means the same for daily, weekly or monthly data and keeps away
      from a unit root) and whose shock sd is :math:`\sim \mathrm{HalfNormal}(v)`,
      :math:`v` = ``vol_of_vol``, per square-root year (divided by
      :math:`\sqrt{\text{steps per year}}` per step). The half-life prior (median 0.5 years,
      95% within 0.19-1.3 years) spans the persistence of equity volatility at daily to
      monthly steps;
    - ``"garch"``: the long-run sd takes the variant's ``obs`` prior;
      :math:`\alpha + \gamma \sim \mathrm{Beta}(a_p, b_p)` with ``persistence`` =
      :math:`(a_p, b_p)`, and :math:`\alpha / (\alpha + \gamma) \sim \mathrm{Beta}(a_s, b_s)`
      with ``garch_share`` = :math:`(a_s, b_s)`;
    - ``"student_t"``: :math:`\nu - 2 \sim \mathrm{Gamma}(a, b)` with ``nu`` = :math:`(a, b)`
      (shape, rate: mean 22 by default).

    Parameters
    ----------
    level : float, default 0.7
        Prior median of the volatility level, in units of ``sd(y)`` (``"stochastic"``).
    level_sd : float, default 1.0
        Sd of the log-level offset :math:`l` (``"stochastic"``).
    half_life : float, default 0.5
        Prior median of the AR(1) half-life, in years (``"stochastic"``).
    half_life_sd : float, default 0.5
        Sd of the log half-life (``"stochastic"``).
    persistence : tuple of float, default (20.0, 1.5)
        Beta parameters of :math:`\alpha + \gamma` (``"garch"``).
    vol_of_vol : float, default 1.0
        HalfNormal scale of the log-volatility shock sd per square-root year (``"stochastic"``).
    garch_share : tuple of float, default (2.0, 8.0)
        Beta parameters of :math:`\alpha / (\alpha + \gamma)` (``"garch"``).
    nu : tuple of float, default (2.0, 0.1)
        Gamma shape and rate of :math:`\nu - 2` (``"student_t"``).

    Raises
    ------
    bayes_beta.SpecError
        When a pair is not two positive numbers or a number is not positive and finite.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> bb.VolatilityPrior(persistence=[10, 1]).persistence
    (10.0, 1.0)
    >>> bb.VolatilityPrior(nu=(1,))
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: VolatilityPrior.nu must be two positive numbers; got (1,).
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
    r"""Hyperpriors of partial pooling across funds (``pooling="partial"``), non-centred.

    Each fund's noise scales are log-normal around a population median, on the same unit-free
    scales as the independent priors (:math:`u_k` the data units of
    :class:`bayes_beta.NoisePrior`):

    .. math::

        \sigma_{\mathrm{state}}[f, k] &= u_k[f] \exp(\mu^{\mathrm{drift}}_k
            + \tau^{\mathrm{drift}}_k z[f, k]), \\
        \sigma_{\mathrm{obs}}[f] &= \mathrm{sd}(y_f) \exp(\mu^{\mathrm{obs}}
            + \tau^{\mathrm{obs}} z_{\mathrm{obs}}[f]), \\
        \mu^{\mathrm{drift}}_k &\sim N(\log d, s_d), \qquad
            \tau^{\mathrm{drift}}_k \sim \mathrm{HalfNormal}(w_d), \\
        \mu^{\mathrm{obs}} &\sim N(\log o, s_o), \qquad
            \tau^{\mathrm{obs}} \sim \mathrm{HalfNormal}(w_o), \\
        z, z_{\mathrm{obs}} &\sim N(0, 1),

    with :math:`(d, s_d, w_d)` = ``(drift, drift_sd, drift_spread)`` and :math:`(o, s_o, w_o)` =
    ``(obs, obs_sd, obs_spread)``, so :math:`\exp(\mu^{\mathrm{drift}}_k)` is the population's
    median yearly drift of exposure :math:`k` in units of ``sd(y)/sd(H_k)`` and
    :math:`\tau^{\mathrm{drift}}_k` how much funds differ (a ratio of :math:`\exp(\tau)` per
    population sd). The defaults centre both at the median of the default variant's
    HalfNormal priors (0.17 and 0.67). With GARCH, each fund's persistence and the share of
    :math:`\alpha` in it are logit-normal around population values:
    :math:`\mathrm{logit}\, p[f] = \mu^{\mathrm{persistence}} + \tau^{\mathrm{persistence}}
    z_p[f]` (prior means at those of the Beta priors of :class:`bayes_beta.VolatilityPrior`,
    0.93 and 0.2).

    Parameters
    ----------
    drift, drift_sd, drift_spread : float, default 0.17, 1.0, 1.0
        Population median of the yearly drift (in units of ``sd(y)/sd(H_k)``), the sd of its
        log, and the HalfNormal scale of the funds' spread around it.
    obs, obs_sd, obs_spread : float, default 0.67, 1.0, 0.5
        The same for the observation-noise sd (in units of ``sd(y)``).
    persistence, persistence_sd, persistence_spread : float, default 0.93, 1.0, 0.5
        Population GARCH persistence (a probability), the sd of its logit, and the funds'
        spread.
    share, share_sd, share_spread : float, default 0.2, 1.0, 0.5
        Population share of :math:`\alpha` in the GARCH persistence (a probability), the sd of
        its logit, and the funds' spread.
    centred : tuple of str, default ("obs",)
        Groups (from ``"drift"``, ``"obs"``, ``"persistence"``, ``"share"``) parametrised
        centred instead of non-centred.

    Raises
    ------
    bayes_beta.SpecError
        When a number is not positive and finite, ``persistence`` or ``share`` is not below 1,
        or ``centred`` names an unknown group.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> prior = bb.PoolingPrior(centred=["obs", "drift"])
    >>> prior.centred, prior.drift
    (('obs', 'drift'), 0.17)
    >>> bb.PoolingPrior(share=1.5)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: PoolingPrior.share is a probability (between 0 and 1); got 1.5.
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
    r"""A named set of priors on the noise: ``sqrt(diag Q)`` (state) and ``sqrt(R)`` (obs).

    Variants are pure data (the PyMC variables are made by the Bayesian layer) and compose:
    ``bb.specs.get_variant("tight").with_(...)``. The built-ins are in ``PRIOR_VARIANTS``:
    ``"default"`` (weakly informative), ``"tight"`` (near-static exposures), ``"loose"``
    (heavy-tailed) and ``"correlated"`` (a full :math:`Q`).

    Parameters
    ----------
    name : str
        Non-empty name of the variant.
    state : NoisePrior, default NoisePrior("halfnormal", 0.25)
        Prior on the state-noise sds :math:`\sqrt{Q_{kk}}`.
    obs : NoisePrior, default NoisePrior("halfnormal", 1.0)
        Prior on the observation-noise sd :math:`\sqrt{R}`.
    correlated : bool, default False
        A full :math:`Q = L L'` with an LKJ(``lkj_eta``) prior on its correlations and ``state``
        as the prior on its sds (not with ``"inversegamma"``, which is on variances).
    lkj_eta : float, default 2.0
        The LKJ concentration of a correlated :math:`Q`.
    phi_alpha, phi_beta : float, default 20.0, 1.5
        Beta prior on the persistence :math:`\phi` of mean-reverting dynamics (used only with
        ``dynamics="mean_reverting"``).
    description : str, default ""
        A one-line description.
    volatility : VolatilityPrior, default VolatilityPrior()
        The priors of the moving-volatility models.
    pooling : PoolingPrior, default PoolingPrior()
        The hyperpriors of partial pooling across funds.

    Raises
    ------
    bayes_beta.SpecError
        For an empty name, a correlated :math:`Q` with ``"inversegamma"`` sds, or a
        non-positive ``lkj_eta``, ``phi_alpha`` or ``phi_beta``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> variant = bb.PriorVariant("slow", state=bb.NoisePrior("halfnormal", 0.05))
    >>> variant.name, variant.state.scale, variant.obs.family
    ('slow', 0.05, 'halfnormal')
    >>> sorted(bb.PRIOR_VARIANTS)
    ['correlated', 'default', 'loose', 'tight']
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
        """A copy with some fields changed (variants compose: ``get_variant('tight').with_(...)``).

        Parameters
        ----------
        **changes
            New values of any fields (``name``, ``state``, ``obs``, ...).

        Returns
        -------
        PriorVariant
            The new, validated variant (this one is unchanged).

        Raises
        ------
        bayes_beta.SpecError
            When the changed variant is invalid.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> tight = bb.specs.get_variant("tight")
        >>> mine = tight.with_(name="tight_corr", correlated=True)
        >>> mine.name, mine.correlated, mine.state.scale, tight.correlated
        ('tight_corr', True, 0.025, False)
        """
        return replace(self, **changes)

    def to_dict(self) -> dict:
        """The variant as nested plain dicts (saved with a fit).

        Returns
        -------
        dict
            Every field; ``state``, ``obs``, ``volatility`` and ``pooling`` as dicts.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> d = bb.PRIOR_VARIANTS["default"].to_dict()
        >>> d["name"], d["state"]["family"], d["state"]["scale"]
        ('default', 'halfnormal', 0.25)
        """
        return asdict(self)

    def structure(self) -> str:
        """What of the variant shapes the model's graph: all but its name, description and the scales of
        ``state`` and ``obs``, which enter the model as data (variants that differ only there
        share one compiled model).

        Returns
        -------
        str
            A description that is equal for variants of one graph.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> default, tight = bb.PRIOR_VARIANTS["default"], bb.PRIOR_VARIANTS["tight"]
        >>> default.structure() == tight.structure()
        True
        >>> default.structure() == bb.PRIOR_VARIANTS["loose"].structure()
        False
        """
        return repr(replace(self, name="-", description="", state=replace(self.state, scale=1.0),
                            obs=replace(self.obs, scale=1.0)))

    @classmethod
    def from_dict(cls, d: dict) -> PriorVariant:
        """A variant from a dict written by :meth:`to_dict` (nested dicts become prior objects).

        Parameters
        ----------
        d : dict
            Keyword arguments of :class:`bayes_beta.PriorVariant`; ``state``, ``obs``,
            ``volatility`` and ``pooling`` may be dicts.

        Returns
        -------
        PriorVariant
            The validated variant.

        Raises
        ------
        bayes_beta.SpecError
            For invalid values.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> variant = bb.PRIOR_VARIANTS["loose"]
        >>> bb.PriorVariant.from_dict(variant.to_dict()) == variant
        True
        """
        d = dict(d)
        for key in ("state", "obs"):
            if isinstance(d.get(key), dict):
                d[key] = NoisePrior(**d[key])
        if isinstance(d.get("volatility"), dict):
            d["volatility"] = VolatilityPrior(**d["volatility"])
        if isinstance(d.get("pooling"), dict):
            d["pooling"] = PoolingPrior(**d["pooling"])
        return cls(**d)


#: The built-in prior variants by name: ``"default"``, ``"tight"``, ``"loose"``,
#: ``"correlated"``.
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
    """A built-in variant by name, or the user's own :class:`~bayes_beta.PriorVariant` unchanged.

    Parameters
    ----------
    priors : str or PriorVariant
        A name in ``PRIOR_VARIANTS`` (``"default"``, ``"tight"``, ``"loose"``,
        ``"correlated"``), or a variant.

    Returns
    -------
    PriorVariant
        The variant.

    Raises
    ------
    bayes_beta.SpecError
        For an unknown name.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> bb.specs.get_variant("tight").state.scale
    0.025
    >>> mine = bb.PriorVariant("mine")
    >>> bb.specs.get_variant(mine) is mine
    True
    >>> bb.specs.get_variant("tigt")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: Unknown prior variant 'tigt'; use one of ['correlated', ...
    """
    if isinstance(priors, PriorVariant):
        return priors
    if isinstance(priors, str) and priors in PRIOR_VARIANTS:
        return PRIOR_VARIANTS[priors]
    raise SpecError(
        f"Unknown prior variant {priors!r}; use one of {sorted(PRIOR_VARIANTS)} or "
        "pass a bayes_beta.PriorVariant."
    )
