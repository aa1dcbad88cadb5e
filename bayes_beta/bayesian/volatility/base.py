"""One object per observation-noise model: the registry behind ``volatility=...``.

A :class:`VolatilityModel` says everything the package needs of a model of ``R_t``: its
options-level :class:`~bayes_beta.specs.options.VolatilityTraits` (target acceptance, per-step
variance in the posterior, multiplier column, scan, pooling, backtest), the extra model data, the
PyMC variables and the observation variance in one of the fused Op's forms (``"constant"``:
one ``R``; ``"steps"``: ``R_t`` per step; ``"garch"``: the recursion on the filter's own
innovations), each posterior draw's ``sqrt(R_t)`` for the propagation, the variance each draw
predicts for step ``t`` before seeing ``y_t`` (the predictive checks) and the variance of future
steps (forecasts). :func:`register` adds a model; every module asks :func:`get_volatility`.
"""

from __future__ import annotations

import numpy as np

from bayes_beta.errors import ArgumentError
from bayes_beta.specs.options import VolatilityTraits, register_traits, volatility_traits

__all__ = ["MODELS", "VolatilityModel", "get_volatility", "register", "unregister",
           "volatility_variables"]

FORMS = ("constant", "steps", "garch")


class VolatilityModel:
    r"""Base class of an observation-noise model (override what differs).

    ``traits``: the model's :class:`~bayes_beta.specs.options.VolatilityTraits` (its name
    among them); ``form``: its form for the fused Op; ``variables``: its scalar parameters,
    summarised and checked like the noise sds. A ``"steps"`` model adds the deterministic
    ``volatility`` :math:`= \sqrt{R_t}` (dims ``time``), from which :meth:`r_sqrt` reads each
    draw's path.
    """

    traits: VolatilityTraits = VolatilityTraits("base")
    form: str = "steps"
    variables: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.traits.name

    def data(self, design) -> dict[str, np.ndarray]:
        """Model data the model needs beyond those of every model."""
        return {}

    def noise(self, variant, data):
        """The observation variance in the model's :attr:`form`, made in the current PyMC model
        from the prior ``variant`` and the model data ``data`` (by name)."""
        raise NotImplementedError

    def r_sqrt(self, get, design, m) -> tuple[np.ndarray, np.ndarray | None]:
        """``(sqrt(R_t) (S, n) or (S, 1), l_t (S, n) or None)`` of each draw; ``get(name)``
        gives a posterior variable with the draws first; ``m``: the draws' ``(T, Q_sqrt, b0, P0,
        c)`` (a recursion on the filter computes ``l_t`` on the way)."""
        return get("volatility"), None

    def predicted_r(self, fit, stacked, r_t: np.ndarray, rng) -> np.ndarray:
        """``R_t`` (S, n) as each draw predicts it before seeing ``y_t``; ``r_t``: the draws'
        variances. Default: ``R_t`` is known before ``y_t``."""
        return r_t

    def future_r(self, fit, kept, r_n: np.ndarray, steps: int, mult, rng):
        """``(garch (S, 3) or None, r (S, steps) or None)``: the future observation variance of
        the draws ``kept`` (``garch``: ``(omega, alpha, gamma)`` of a recursion the forecast
        runs on its simulated innovations; ``r``: given per step). ``r_n``: the last step's
        variance; ``mult``: the future variance multipliers, when given."""
        raise ArgumentError(f"volatility={self.name!r} has no forecast of its variance.")


#: The registered models by name.
MODELS: dict[str, VolatilityModel] = {}


def register(model: VolatilityModel) -> VolatilityModel:
    """Register ``model`` under ``model.traits.name`` (its traits with the options layer, so
    ``volatility=<name>`` is valid everywhere); returns it."""
    if model.form not in FORMS:
        raise ArgumentError(f"A volatility model's form is one of {FORMS}; got {model.form!r}.")
    register_traits(model.traits)
    MODELS[model.name] = model
    return model


def unregister(name: str) -> None:
    """Remove a registered model (tests that register their own)."""
    from bayes_beta.specs.options import VOLATILITIES

    MODELS.pop(name, None)
    VOLATILITIES.pop(name, None)


def get_volatility(name: str) -> VolatilityModel:
    """The registered model ``name``; a :class:`~bayes_beta.SpecError` naming the registered
    ones otherwise."""
    volatility_traits(name)  # the named error for an unknown name
    return MODELS[name]


def volatility_variables() -> tuple[str, ...]:
    """The scalar parameters of every registered model, without repeats."""
    return tuple(dict.fromkeys(v for m in MODELS.values() for v in m.variables))
