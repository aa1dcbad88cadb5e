"""One sampler-settings object, validated once: :class:`Sampling`.

Every entry point that samples (``bb.fit``, ``bb.sample``, ``bb.fit_many``, ``bb.backtest``,
the LFO refits, ``bb.compare_priors``, model files and the CLI) builds its NUTS settings as a
:class:`Sampling`, so a setting means the same and is checked the same way everywhere. Each
failure raises :class:`~bayes_beta.ArgumentError` naming the setting, what it got and the
allowed range, before any compilation or sampling.
"""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass

import numpy as np

from bayes_beta.errors import ArgumentError

__all__ = ["SAMPLERS", "SEED_LIMIT", "Sampling", "check_choice", "check_int", "check_prob",
           "check_seed", "fresh_seed"]

#: The samplers: nutpie's NUTS, or PyMC's own as a fallback.
SAMPLERS = ("nutpie", "pymc")
#: Seeds lie in ``[0, SEED_LIMIT)``: nutpie takes a 64-bit unsigned seed (a larger Python int
#: passes ``>= 0`` but overflows there, after the model is compiled).
SEED_LIMIT = 2**64


def check_int(name: str, value, minimum: int = 1, allow_none: bool = False):
    """``value`` as an int ``>= minimum`` (``None`` passes when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentError(f"{name} must be an integer >= {minimum}; got {value!r} "
                            f"({type(value).__name__}).")
    if value < minimum:
        raise ArgumentError(f"{name} must be an integer >= {minimum}; got {value}.")
    return int(value)


def check_prob(name: str, value) -> float:
    """``value`` as a float strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ArgumentError(f"{name} must be a number strictly between 0 and 1; got {value!r}.")
    return float(value)


def check_choice(name: str, value, choices):
    """``value`` if it is one of ``choices`` (strings)."""
    if not isinstance(value, str) or value not in choices:
        raise ArgumentError(f"{name} must be one of {tuple(choices)}; got {value!r}.")
    return value


def fresh_seed() -> int:
    """A new seed in ``[0, 2**31)`` from the operating system's entropy (a Python ``int``).

    An unseeded call draws one at its start and uses it for everything random in the run
    (NUTS, path draws, checks), and records it (``fit.tree.attrs["seed"]``), so the run can be
    repeated with ``seed=`` that value.
    """
    return int(np.random.SeedSequence().generate_state(1, dtype=np.uint32)[0] >> 1)


def check_seed(seed, name: str = "seed"):
    """``seed`` as an int in ``[0, 2**64)``, or ``None``."""
    seed = check_int(name, seed, minimum=0, allow_none=True)
    if seed is not None and seed >= SEED_LIMIT:
        raise ArgumentError(f"{name} must be an integer in [0, 2**64); got {seed}.")
    return seed


@dataclass(frozen=True)
class Sampling:
    """NUTS settings, validated on construction (also the ``[sampling]`` table of a model file).

    Parameters
    ----------
    draws : int, default 1000
        Posterior draws per chain (>= 1).
    tune : int, default 1000
        Warm-up draws per chain (>= 1: nutpie adapts its step size in warm-up).
    chains : int, default 4
        Number of chains (>= 1).
    seed : int, optional
        Random seed in ``[0, 2**64)``; ``None`` draws a fresh one when the run starts
        (:meth:`resolved`), recorded with the results.
    target_accept : float, optional
        NUTS's target acceptance rate in (0, 1); ``None`` uses the model's default
        (:attr:`bayes_beta.ModelOptions.target_accept`).
    sampler : {"nutpie", "pymc"}, default "nutpie"
        nutpie's NUTS, or PyMC's own as a fallback.
    path_draws : int or "all", optional
        Posterior draws propagated to exposure paths (see :func:`bayes_beta.fit`); ``None``:
        about 1,000.

    Raises
    ------
    bayes_beta.ArgumentError
        Naming the first invalid setting.

    Examples
    --------
    >>> from bayes_beta.specs import Sampling
    >>> Sampling(draws=500, seed=7)
    Sampling(draws=500, tune=1000, chains=4, seed=7, target_accept=None, sampler='nutpie', path_draws=None)
    >>> Sampling(tune=0)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ArgumentError: tune must be an integer >= 1; got 0.
    """

    draws: int = 1000
    tune: int = 1000
    chains: int = 4
    seed: int | None = None
    target_accept: float | None = None
    sampler: str = "nutpie"
    path_draws: int | str | None = None

    def __post_init__(self):
        for name in ("draws", "tune", "chains"):
            object.__setattr__(self, name, check_int(name, getattr(self, name)))
        object.__setattr__(self, "seed", check_seed(self.seed))
        if self.target_accept is not None:
            object.__setattr__(self, "target_accept",
                               check_prob("target_accept", self.target_accept))
        check_choice("sampler", self.sampler, SAMPLERS)
        if self.path_draws != "all":
            check_int("path_draws", self.path_draws, allow_none=True)

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The names of the settings.

        Returns
        -------
        tuple of str
            The field names, in order.

        Examples
        --------
        >>> from bayes_beta.specs import Sampling
        >>> Sampling.keys()
        ('draws', 'tune', 'chains', 'seed', 'target_accept', 'sampler', 'path_draws')
        """
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def pick(cls, kwargs: dict, **defaults) -> Sampling:
        """The settings among ``kwargs``, over ``defaults``, over the class defaults.

        Parameters
        ----------
        kwargs : dict
            Keyword arguments of a call; keys that are not settings are ignored.
        **defaults
            A function's own defaults, where it states why they differ.

        Returns
        -------
        Sampling
            The validated settings.

        Examples
        --------
        >>> from bayes_beta.specs import Sampling
        >>> Sampling.pick({"draws": 200, "volatility": "garch"}, draws=500, chains=2)
        Sampling(draws=200, tune=1000, chains=2, seed=None, target_accept=None, sampler='nutpie', path_draws=None)
        """
        return cls(**{**defaults, **{k: v for k, v in kwargs.items() if k in cls.keys()}})

    def resolved(self) -> Sampling:
        """These settings with ``seed=None`` replaced by a :func:`~bayes_beta.specs.sampler.fresh_seed`.

        Returns
        -------
        Sampling
            ``self`` when it has a seed, else a copy with a fresh one (recorded with the
            results, so the run can be repeated).

        Examples
        --------
        >>> from bayes_beta.specs import Sampling
        >>> Sampling(seed=3).resolved().seed
        3
        >>> 0 <= Sampling().resolved().seed < 2**31
        True
        """
        return self if self.seed is not None else dataclasses.replace(self, seed=fresh_seed())

    def to_dict(self) -> dict:
        """The settings as keyword arguments.

        Returns
        -------
        dict
            One entry per setting.

        Examples
        --------
        >>> from bayes_beta.specs import Sampling
        >>> Sampling(draws=100).to_dict()["draws"]
        100
        """
        return dataclasses.asdict(self)
