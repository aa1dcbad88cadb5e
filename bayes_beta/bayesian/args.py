"""Argument checks of the Bayesian entry points, run before any compilation or sampling.

Each failure raises :class:`~bayes_beta.ArgumentError` naming the argument, what it got and
the allowed range.
"""

from __future__ import annotations

import numbers

import numpy as np

from bayes_beta.bayesian.sampling import SAMPLERS
from bayes_beta.errors import ArgumentError

__all__ = ["SEED_LIMIT", "check_bands_args", "check_int", "check_prob", "check_sampler_args",
           "check_seed", "fresh_seed"]

KINDS = ("eti", "hdi")
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


def check_sampler_args(*, draws, tune, chains, seed, sampler, target_accept, path_draws,
                       resolve_seed: bool = True) -> dict:
    """The sampler settings, validated (``tune >= 1``: nutpie adapts its step size in warm-up).

    ``seed=None`` becomes :func:`fresh_seed` (when ``resolve_seed``), so the run is repeatable.
    """
    seed = check_seed(seed)
    return {
        "draws": check_int("draws", draws),
        "tune": check_int("tune", tune),
        "chains": check_int("chains", chains),
        "seed": fresh_seed() if seed is None and resolve_seed else seed,
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
