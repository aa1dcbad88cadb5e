"""Gradients of the log-likelihood graph: pytensor's finite-difference check."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import verify_grad

from bayes_beta.kalman.graph import Params, kalman_filter_graph

# A short series evaluated by each Op's Python implementation: compiling would dominate.
MODE = Mode(linker="py", optimizer="fast_compile")


def _data(m, n=12, K=2, seed=0):
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, m, K))
    y = rng.normal(size=(n, m))
    y[3, 0] = np.nan
    H[7, m - 1, 1] = np.nan
    base = {
        "T": np.array([[0.9, 0.1], [0.0, 0.8]]),
        "Q": np.array([[0.05, 0.01], [0.01, 0.03]]),
        "R": np.eye(m) * 0.7 + 0.1,
        "b0": np.array([0.2, -0.1]),
        "P0": np.array([[1.0, 0.2], [0.2, 0.5]]),
    }
    return y, H, base


@pytest.mark.parametrize("m", [1, 2])
@pytest.mark.parametrize("wrt", ["Q", "R", "b0", "T", "P0"])
def test_verify_grad(m, wrt):
    y, H, base = _data(m)

    def loglik(x):
        return kalman_filter_graph(y, H, Params(**{**base, wrt: x})).loglik

    verify_grad(loglik, [base[wrt]], rng=np.random.default_rng(1), mode=MODE, eps=1e-7)


def test_gradient_agrees_between_scalar_and_matrix_paths():
    y, H, base = _data(1)
    Q = pt.matrix("Q")
    grads = []
    for scalar in (True, False):
        ll = kalman_filter_graph(y, H, Params(**{**base, "Q": Q}), scalar_obs=scalar).loglik
        grads.append(pytensor.function([Q], pytensor.grad(ll, Q), mode=MODE)(base["Q"]))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)
