"""Pure-math Kalman filter, smoother and path draws as pytensor graphs (no PyMC, no plotting)."""

from bayes_beta.kalman.filter import FilterOutput, Params, kalman_filter_graph
from bayes_beta.kalman.smoother import (
    SmootherOutput,
    kalman_smoother_graph,
    rts_smoother_graph,
    sample_paths_graph,
)

__all__ = [
    "FilterOutput",
    "Params",
    "SmootherOutput",
    "kalman_filter_graph",
    "kalman_smoother_graph",
    "rts_smoother_graph",
    "sample_paths_graph",
]
