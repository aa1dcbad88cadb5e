"""Argument checks of the Bayesian entry points, run before any compilation or sampling.

Each failure raises :class:`~bayes_beta.ArgumentError` naming the argument, what it got and
the allowed range.
"""

from __future__ import annotations

import numbers

from bayes_beta.bayesian.sampling import SAMPLERS
from bayes_beta.errors import ArgumentError

__all__ = ["check_bands_args", "check_int", "check_prob", "check_sampler_args"]

KINDS = ("eti", "hdi")


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
    if not isinstance(value, str) or value not in choices:
        raise ArgumentError(f"{name} must be one of {tuple(choices)}; got {value!r}.")
    return value


def check_sampler_args(*, draws, tune, chains, seed, sampler, target_accept, path_draws) -> dict:
    """The sampler settings, validated (``tune >= 1``: nutpie adapts its step size in warm-up)."""
    return {
        "draws": check_int("draws", draws),
        "tune": check_int("tune", tune),
        "chains": check_int("chains", chains),
        "seed": check_int("seed", seed, minimum=0, allow_none=True),
        "sampler": check_choice("sampler", sampler, SAMPLERS),
        "target_accept": None if target_accept is None
        else check_prob("target_accept", target_accept),
        "path_draws": path_draws if path_draws == "all"
        else check_int("path_draws", path_draws, allow_none=True),
    }


def check_bands_args(prob, kind, source=None, sources=None) -> None:
    """Band probability, interval kind and (optionally) the draws' source."""
    check_prob("prob", prob)
    check_choice("kind", kind, KINDS)
    if sources is not None:
        check_choice("source", source, sources)
