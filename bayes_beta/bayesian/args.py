"""Argument checks of the Bayesian entry points, run before any compilation or sampling
(the generic checks and the sampler settings live in :mod:`bayes_beta.specs.sampler`).

Each failure raises :class:`~bayes_beta.ArgumentError` naming the argument, what it got and
the allowed range.
"""

from __future__ import annotations

import sys

from bayes_beta.bayesian.intervals import KINDS
from bayes_beta.specs.sampler import (
    SEED_LIMIT,
    Sampling,
    check_choice,
    check_int,
    check_prob,
    check_seed,
    fresh_seed,
)

__all__ = ["SEED_LIMIT", "as_reporter", "check_bands_args", "check_choice", "check_int", "check_prob",
           "check_sampler_args", "check_seed", "fresh_seed"]


def check_sampler_args(*, draws, tune, chains, seed, sampler, target_accept, path_draws,
                       resolve_seed: bool = True) -> dict:
    """The sampler settings as keyword arguments, validated by the one settings object
    (:class:`~bayes_beta.specs.Sampling`); ``seed=None`` becomes a fresh seed (when
    ``resolve_seed``), so the run is repeatable."""
    settings = Sampling(draws=draws, tune=tune, chains=chains, seed=seed, sampler=sampler,
                        target_accept=target_accept, path_draws=path_draws)
    return (settings.resolved() if resolve_seed else settings).to_dict()


def check_bands_args(prob, kind, source=None, sources=None) -> None:
    """Band probability, interval kind and (optionally) the draws' source."""
    check_prob("prob", prob)
    check_choice("kind", kind, KINDS)
    if sources is not None:
        check_choice("source", source, sources)


def as_reporter(progress):
    """A ``progress`` argument as a function of a message: a callable as it is; ``True``:
    print the message to stderr; ``False`` or ``None``: silent."""
    if callable(progress):
        return progress
    if progress:
        return lambda message: print(message, file=sys.stderr, flush=True)
    return lambda message: None
