"""The pytensor reference graphs: filter, smoother and path draws, differentiable, batched over
leading parameter axes. The numba kernels are tested against them."""

from bayes_beta.kalman.graph.filter import FilterOutput, Params, kalman_filter_graph
from bayes_beta.kalman.graph.smoother import (
    SmootherOutput,
    kalman_smoother_graph,
    sample_paths_graph,
    smoother_graph,
)

__all__ = [
    "FilterOutput",
    "Params",
    "SmootherOutput",
    "kalman_filter_graph",
    "kalman_smoother_graph",
    "sample_paths_graph",
    "smoother_graph",
]
