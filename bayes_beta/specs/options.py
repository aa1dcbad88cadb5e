"""Model choices that are neither data nor priors: dynamics, likelihood, observation volatility.

    dynamics   "random_walk"      T = I
               "mean_reverting"   beta_t - mu = diag(phi) (beta_(t-1) - mu) + eta_t
    likelihood "fused"            the numba Op with its hand-derived gradient (default)
               "scan"             the pytensor scan graph (the reference; slow to compile)
    volatility "constant"         one observation variance R for every step
               "stochastic"       log R_t a stationary AR(1), its path sampled by NUTS
               "garch"            R_t = omega + alpha v_(t-1)^2 + gamma R_(t-1) (own innovations;
                                  the default, DEFAULT_VOLATILITY)
               "student_t"        R_t = sigma_obs^2 lambda_t, lambda_t ~ InvGamma(nu/2, nu/2)
               "known"            R_t = sigma_obs^2 m_t with a given column of multipliers m_t
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass

from bayes_beta.errors import SpecError

__all__ = ["DEFAULT_VOLATILITY", "DYNAMICS", "LIKELIHOODS", "VOLATILITIES", "ModelOptions",
           "VolatilityTraits", "register_traits", "volatility_traits"]

#: The observation-noise model when none is asked for: the one the evidence on the shipped
#: data supports (README, "Moving volatility").
DEFAULT_VOLATILITY = "garch"

#: State dynamics of :class:`ModelOptions`.
DYNAMICS = ("random_walk", "mean_reverting")
#: Likelihood implementations of :class:`ModelOptions`.
LIKELIHOODS = ("fused", "scan")


@dataclass(frozen=True)
class VolatilityTraits:
    """What the options, specs and refusals need to know of an observation-noise model (its
    behaviour lives in :mod:`bayes_beta.bayesian.volatility`, which registers both).

    ``target_accept``: NUTS's default target acceptance rate for the model (higher for models
    with a latent path, whose curvature varies along the persistence and scale); ``per_step``:
    the posterior holds a variance per step (dims ``time``); ``multiplier``: the model needs a
    column of variance multipliers; ``scan``: the scan likelihood (one constant ``R``) takes it;
    ``pooled``: ``fit_many(pooling="partial")`` takes it; ``backtest``: ``bb.backtest`` takes it.
    """

    name: str
    target_accept: float = 0.8
    per_step: bool = True
    multiplier: bool = False
    scan: bool = False
    pooled: bool = False
    backtest: bool = False


class _Registry(dict):
    """Volatility names -> :class:`VolatilityTraits`, in registration order (``in``, iteration
    and ``tuple(...)`` give the names)."""

    def __repr__(self) -> str:
        return repr(tuple(self))


#: Observation-noise models of :class:`ModelOptions` by name (filled by
#: :func:`bayes_beta.bayesian.volatility.register`; the built-ins: ``"constant"``,
#: ``"stochastic"``, ``"garch"``, ``"student_t"``, ``"known"``).
VOLATILITIES: dict[str, VolatilityTraits] = _Registry()


def register_traits(traits: VolatilityTraits) -> None:
    """Make ``traits.name`` a valid ``volatility`` of :class:`ModelOptions`."""
    VOLATILITIES[traits.name] = traits


for _traits in (
    VolatilityTraits("constant", per_step=False, scan=True, pooled=True, backtest=True),
    VolatilityTraits("stochastic", target_accept=0.9),
    VolatilityTraits("garch", per_step=False, pooled=True, backtest=True),
    VolatilityTraits("student_t", target_accept=0.9),
    VolatilityTraits("known", multiplier=True),
):  # the built-ins, known before their behaviour (bayes_beta.bayesian.volatility) is imported
    register_traits(_traits)


def volatility_traits(name: str) -> VolatilityTraits:
    """The traits of a registered volatility model; a :class:`~bayes_beta.SpecError` naming the
    registered ones otherwise."""
    try:
        return VOLATILITIES[name]
    except (KeyError, TypeError):
        raise SpecError(f"volatility must be one of {tuple(VOLATILITIES)}; got {name!r}.") from None


@dataclass(frozen=True)
class ModelOptions:
    r"""How the model is built from a design and a prior variant (validated on construction).

    The model choices that are neither data nor priors:

    - ``dynamics``: ``"random_walk"``, :math:`T = I`; or ``"mean_reverting"``,
      :math:`\beta_t - \mu = \mathrm{diag}(\phi) (\beta_{t-1} - \mu) + \eta_t`.
    - ``likelihood``: ``"fused"``, the numba Op with its hand-derived gradient (default); or
      ``"scan"``, the pytensor scan graph (the reference; slow to compile).
    - ``volatility``: ``"constant"``, one observation variance :math:`R` for every step;
      ``"stochastic"``, :math:`\log R_t` a stationary AR(1), its path sampled by NUTS;
      ``"garch"`` (the default), :math:`R_t = \omega + \alpha v_{t-1}^2 + \gamma R_{t-1}` with
      the model's own innovations :math:`v_t`; ``"student_t"``,
      :math:`R_t = \sigma_\mathrm{obs}^2 \lambda_t`,
      :math:`\lambda_t \sim \mathrm{InvGamma}(\nu/2, \nu/2)`; or ``"known"``,
      :math:`R_t = \sigma_\mathrm{obs}^2 m_t` with a given column of multipliers :math:`m_t`.

    Every volatility other than ``"constant"`` needs ``likelihood="fused"`` (the scan graph has
    one constant :math:`R`).

    Parameters
    ----------
    dynamics : {"random_walk", "mean_reverting"}, default "random_walk"
        The state dynamics.
    likelihood : {"fused", "scan"}, default "fused"
        How the marginal likelihood is computed.
    volatility : {"constant", "stochastic", "garch", "student_t", "known"}, default "garch"
        The observation-noise model.

    Raises
    ------
    bayes_beta.SpecError
        For an unknown choice, or a moving volatility with ``likelihood="scan"``.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> bb.ModelOptions()
    ModelOptions(dynamics='random_walk', likelihood='fused', volatility='garch')
    >>> bb.ModelOptions(volatility="garch", likelihood="scan")
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: volatility='garch' needs likelihood='fused' (the scan graph ...
    """

    dynamics: str = "random_walk"
    likelihood: str = "fused"
    volatility: str = DEFAULT_VOLATILITY

    def __post_init__(self) -> None:
        if self.dynamics not in DYNAMICS:
            raise SpecError(f"dynamics must be one of {DYNAMICS}; got {self.dynamics!r}.")
        if self.likelihood not in LIKELIHOODS:
            raise SpecError(f"likelihood must be one of {LIKELIHOODS}; got {self.likelihood!r}.")
        if not volatility_traits(self.volatility).scan and self.likelihood != "fused":
            raise SpecError(f"volatility={self.volatility!r} needs likelihood='fused' (the scan "
                            "graph has one constant R).")

    @classmethod
    def pick(cls, kwargs: dict) -> ModelOptions:
        """The options among ``kwargs`` over the defaults.

        The one constructor of the entry points that take the options as keywords.

        Parameters
        ----------
        kwargs : dict
            Keyword arguments of a call; keys that are not options are ignored.

        Returns
        -------
        ModelOptions
            The validated options.

        Examples
        --------
        >>> ModelOptions.pick({"volatility": "constant", "draws": 100})
        ModelOptions(dynamics='random_walk', likelihood='fused', volatility='constant')
        """
        names = [f.name for f in dataclasses.fields(cls)]
        return cls(**{k: v for k, v in kwargs.items() if k in names})

    @property
    def target_accept(self) -> float:
        """The default target acceptance rate of NUTS for this model.

        Higher (0.9) for the models with a latent path (``"stochastic"``, ``"student_t"``), whose
        curvature varies along the persistence and scale; 0.8 otherwise.

        Returns
        -------
        float
            The target acceptance rate.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> bb.ModelOptions().target_accept, bb.ModelOptions(volatility="stochastic").target_accept
        (0.8, 0.9)
        """
        return volatility_traits(self.volatility).target_accept

    def to_dict(self) -> dict:
        """The options as a plain dict (saved with a fit).

        Returns
        -------
        dict
            ``dynamics``, ``likelihood`` and ``volatility``.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> bb.ModelOptions().to_dict()
        {'dynamics': 'random_walk', 'likelihood': 'fused', 'volatility': 'garch'}
        """
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ModelOptions:
        # files written before the volatility option existed hold constant-variance fits
        """Options from a dict written by :meth:`to_dict`.

        A dict without ``volatility`` (files written before the option existed) holds a
        constant-variance fit and gives ``volatility="constant"``.

        Parameters
        ----------
        d : dict
            Keyword arguments of :class:`bayes_beta.ModelOptions`.

        Returns
        -------
        ModelOptions
            The validated options.

        Raises
        ------
        bayes_beta.SpecError
            For invalid values.

        Examples
        --------
        >>> import bayes_beta as bb
        >>> opts = bb.ModelOptions(dynamics="mean_reverting")
        >>> bb.ModelOptions.from_dict(opts.to_dict()) == opts
        True
        >>> bb.ModelOptions.from_dict({"dynamics": "random_walk"}).volatility
        'constant'
        """
        return cls(**{"volatility": "constant", **d})
