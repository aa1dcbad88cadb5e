"""The kalman layer: pure math (imports neither PyMC, ArviZ nor matplotlib).

- :mod:`~bayes_beta.kalman.graph`: filter, smoother and path draws as differentiable pytensor
  graphs, batched over parameter axes (the reference the kernels are tested against);
- :mod:`~bayes_beta.kalman.steps`: the numba step library (predict, Joseph update, smoothing
  and simulation steps) shared by
- :mod:`~bayes_beta.kalman.fused` / :mod:`~bayes_beta.kalman.fused_op`: the fused
  log-likelihood kernel with its adjoint, and the pytensor Op the PyMC models use, and
- :mod:`~bayes_beta.kalman.propagate`: filter, smoother and path passes for many draws;
- :mod:`~bayes_beta.kalman.numeric`: the NumPy-facing ``kalman_filter``, ``kalman_smoother``,
  ``sample_paths`` and ``simulate``.
"""

from bayes_beta.kalman.inputs import check_inputs
from bayes_beta.kalman.numeric import (
    FilterResult,
    Simulation,
    SmootherResult,
    kalman_filter,
    kalman_smoother,
    sample_paths,
    simulate,
)

__all__ = [
    "FilterResult",
    "Simulation",
    "SmootherResult",
    "check_inputs",
    "kalman_filter",
    "kalman_smoother",
    "sample_paths",
    "simulate",
]
