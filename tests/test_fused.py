"""The fused likelihood Op equals the pytensor scan graph: values and gradients."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import verify_grad

from bayes_beta.kalman import Params, kalman_filter_graph
from bayes_beta.kalman.fused import loglik_scalar, loglik_scalar_grad
from bayes_beta.kalman.fused_op import kalman_loglik

PY = Mode(linker="py", optimizer="fast_compile")


def _case(dynamics, q_form, nan, n=40, K=3, seed=0):
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(n, K))
    y = rng.normal(size=n)
    if nan == "y":
        y[[0, 5, 6, n - 1]] = np.nan
    elif nan == "H":
        H[[3, 17], 1] = np.nan
    A = rng.normal(size=(K, K))
    Q = A @ A.T * 0.02 + 0.01 * np.eye(K) if q_form == "full" else np.diag(rng.uniform(0.01, 0.05, K))
    if dynamics == "random_walk":
        T, c = np.eye(K), np.zeros(K)
    else:
        phi = rng.uniform(0.5, 0.99, K)
        T, c = np.diag(phi), (1 - phi) * rng.normal(size=K)
    B = rng.normal(size=(K, K))
    values = dict(T=T, Q=Q, r=np.array(0.7), b0=rng.normal(size=K), P0=B @ B.T / K + np.eye(K),
                  c=c)
    return y, H, values


def _symbolic():
    T, Q, P0 = pt.matrices("T", "Q", "P0")
    r = pt.dscalar("r")
    b0, c = pt.vectors("b0", "c")
    return dict(T=T, Q=Q, r=r, b0=b0, P0=P0, c=c)


def _functions(y, H, mode):
    s = _symbolic()
    wrt = list(s.values())
    ll, llt = kalman_loglik(y, H, s["T"], s["Q"], s["r"], s["b0"], s["P0"], s["c"])
    n = len(y)
    params = Params(s["T"], s["Q"], pt.reshape(s["r"], (1, 1)), s["b0"], s["P0"], s["c"][:, None])
    ref = kalman_filter_graph(y[:, None], H[:, None, :], params, np.ones((n, 1)))
    weights = np.linspace(0.5, 1.5, n)  # a cost using both outputs
    fused = pytensor.function(wrt, [ll, llt, *pytensor.grad(ll + (weights * llt).sum(), wrt)],
                              mode=mode)
    scan = pytensor.function(
        wrt, [ref.loglik, ref.loglik_t,
              *pytensor.grad(ref.loglik + (weights * ref.loglik_t).sum(), wrt)], mode=PY)
    return fused, scan


@pytest.mark.parametrize("dynamics", ["random_walk", "mean_reverting"])
@pytest.mark.parametrize("q_form", ["diag", "full"])
@pytest.mark.parametrize("nan", ["none", "y", "H"])
def test_fused_equals_scan_values_and_gradients(dynamics, q_form, nan):
    y, H, v = _case(dynamics, q_form, nan)
    fused, scan = _functions(y, H, "NUMBA")
    a, b = fused(**v), scan(**v)
    names = ["loglik", "loglik_t", "dT", "dQ", "dr", "db0", "dP0", "dc"]
    for name, x, z in zip(names, a, b, strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-10, atol=1e-10 * max(1.0, np.abs(z).max()),
                                   err_msg=name)


def test_numba_backend_equals_python_perform_and_pure_python_kernel():
    y, H, v = _case("mean_reverting", "full", "y", n=25)
    numba_fn, _ = _functions(y, H, "NUMBA")
    py_fn, _ = _functions(y, H, PY)
    for x, z in zip(numba_fn(**v), py_fn(**v), strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-12, atol=1e-12)
    args = (y, H, v["T"], v["Q"], float(v["r"]), v["b0"], v["P0"], v["c"])
    np.testing.assert_allclose(loglik_scalar.py_func(*args), loglik_scalar(*args), rtol=1e-12)
    w = np.ones(len(y))
    for x, z in zip(loglik_scalar_grad.py_func(*args, w), loglik_scalar_grad(*args, w),
                    strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("wrt", ["T", "Q", "r", "b0", "P0", "c"])
def test_verify_grad(wrt):
    y, H, v = _case("mean_reverting", "full", "H", n=20, K=2)

    def loglik(x):
        args = {**v, wrt: x}
        return kalman_loglik(y, H, args["T"], args["Q"], args["r"], args["b0"], args["P0"],
                             args["c"])[0]

    verify_grad(loglik, [np.asarray(v[wrt], dtype=float)], rng=np.random.default_rng(2),
                mode=PY, eps=1e-7)


def test_model_likelihoods_agree():
    """The PyMC model's log-density is the same with the fused Op and the scan graph."""
    import pandas as pd

    import bayes_beta as bb

    rng = np.random.default_rng(5)
    idx = pd.date_range("2001-01-05", periods=80, freq="W-FRI")
    df = pd.DataFrame(rng.normal(size=(80, 3)) * 0.02, index=idx, columns=["y", "a", "b"])
    df.iloc[7, 0] = np.nan
    for kw in ({}, {"priors": "correlated", "dynamics": "mean_reverting", "intercept": True}):
        logps = []
        for likelihood in ("fused", "scan"):
            model = bb.build_model(df, "y", ["a", "b"], likelihood=likelihood, **kw)
            point = model.initial_point()
            logp = model.compile_logp(mode=PY)(point)
            dlogp = model.compile_dlogp(mode=PY)(point)
            logps.append((logp, dlogp))
        np.testing.assert_allclose(logps[0][0], logps[1][0], rtol=1e-11)
        np.testing.assert_allclose(logps[0][1], logps[1][1], rtol=1e-9, atol=1e-9)
