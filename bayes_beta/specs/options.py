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

from dataclasses import asdict, dataclass

from bayes_beta.errors import SpecError

__all__ = ["DEFAULT_VOLATILITY", "DYNAMICS", "LIKELIHOODS", "VOLATILITIES", "ModelOptions"]

#: The observation-noise model when none is asked for: the one the evidence on the shipped
#: data supports (README, "Moving volatility").
DEFAULT_VOLATILITY = "garch"

#: NUTS's target acceptance rate when none is given: higher for the models with a latent path
#: (``vol_z``, ``t_scale``), whose curvature varies along the persistence and scale (0 of 4,000
#: draws divergent on the example at 0.9, 2-3 at 0.8).
TARGET_ACCEPT = {"stochastic": 0.9, "student_t": 0.9}

#: State dynamics of :class:`ModelOptions`.
DYNAMICS = ("random_walk", "mean_reverting")
#: Likelihood implementations of :class:`ModelOptions`.
LIKELIHOODS = ("fused", "scan")
#: Observation-noise models of :class:`ModelOptions`.
VOLATILITIES = ("constant", "stochastic", "garch", "student_t", "known")


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
        if self.volatility not in VOLATILITIES:
            raise SpecError(f"volatility must be one of {VOLATILITIES}; got {self.volatility!r}.")
        if self.volatility != "constant" and self.likelihood != "fused":
            raise SpecError(f"volatility={self.volatility!r} needs likelihood='fused' (the scan "
                            "graph has one constant R).")

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
        return TARGET_ACCEPT.get(self.volatility, 0.8)

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
