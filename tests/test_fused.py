"""The fused likelihood Op equals the pytensor scan graph: values and gradients."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import verify_grad
from pytensor.graph.traversal import ancestors

from bayes_beta.kalman import Params, kalman_filter_graph
from bayes_beta.kalman.fused import loglik_grad, loglik_terms, loglik_value_grad
from bayes_beta.kalman.fused_op import kalman_loglik, kalman_loglik_sum

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


def _symbolic(T_diag=False):
    T = pt.vector("T") if T_diag else pt.matrix("T")
    Q, P0 = pt.matrices("Q", "P0")
    r = pt.dscalar("r")
    b0, c = pt.vectors("b0", "c")
    return dict(T=T, Q=Q, r=r, b0=b0, P0=P0, c=c)


def _functions(y, H, mode, form="terms"):
    """Fused and scan functions of (loglik, loglik_t, gradient of a cost, ...).

    form "terms": kalman_loglik with dense T, cost loglik + sum_t w_t l_t (both outputs);
    "diag": the same with T given by its diagonal; "sum": kalman_loglik_sum (dense T), whose
    gradient comes from the value-and-gradient Op.
    """
    T_diag = form == "diag"
    s = _symbolic(T_diag)
    wrt = list(s.values())
    n = len(y)
    weights = np.linspace(0.5, 1.5, n) if form != "sum" else np.zeros(n)
    args = (y, H, s["T"], s["Q"], s["r"], s["b0"], s["P0"], s["c"])
    if form == "sum":
        ll = kalman_loglik_sum(*args)
        llt = kalman_loglik(*args)[1]
    else:
        ll, llt = kalman_loglik(*args, T_diag=T_diag)
    T = pt.diag(s["T"]) if T_diag else s["T"]
    params = Params(T, s["Q"], pt.reshape(s["r"], (1, 1)), s["b0"], s["P0"], s["c"][:, None])
    ref = kalman_filter_graph(y[:, None], H[:, None, :], params, np.ones((n, 1)))
    fused = pytensor.function(wrt, [ll, llt, *pytensor.grad(ll + (weights * llt).sum(), wrt)],
                              mode=mode)
    scan = pytensor.function(
        wrt, [ref.loglik, ref.loglik_t,
              *pytensor.grad(ref.loglik + (weights * ref.loglik_t).sum(), wrt)], mode=PY)
    return fused, scan


def _values(v, form):
    return {**v, "T": np.diag(v["T"]).copy()} if form == "diag" else v


_GRID = [(d, q, nan, "terms") for d in ("random_walk", "mean_reverting") for q in ("diag", "full")
         for nan in ("none", "y", "H")] + [
    ("mean_reverting", "diag", "H", "diag"), ("random_walk", "full", "y", "diag"),
    ("mean_reverting", "full", "H", "sum"), ("random_walk", "diag", "none", "sum"),
    ("mean_reverting", "diag", "y", "sum")]


@pytest.mark.parametrize(("dynamics", "q_form", "nan", "form"), _GRID)
def test_fused_equals_scan_values_and_gradients(dynamics, q_form, nan, form):
    y, H, v = _case(dynamics, q_form, nan)
    fused, scan = _functions(y, H, "NUMBA", form)
    v = _values(v, form)
    a, b = fused(**v), scan(**v)
    names = ["loglik", "loglik_t", "dT", "dQ", "dr", "db0", "dP0", "dc"]
    for name, x, z in zip(names, a, b, strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-10, atol=1e-10 * max(1.0, np.abs(z).max()),
                                   err_msg=name)


def test_dense_T_gradient_is_full_and_differs_from_diagonal_form():
    """With a dense T every entry of T~ is filled; a non-diagonal T changes the likelihood."""
    y, H, v = _case("mean_reverting", "full", "none", K=3)
    fused, scan = _functions(y, H, "NUMBA", "terms")
    dT = fused(**v)[2]
    assert np.all(np.abs(dT[~np.eye(3, dtype=bool)]) > 0)
    T = v["T"] + 0.05 * np.random.default_rng(3).normal(size=(3, 3))
    a, b = fused(**{**v, "T": T}), scan(**{**v, "T": T})
    np.testing.assert_allclose(a[0], b[0], rtol=1e-12)
    np.testing.assert_allclose(a[2], b[2], rtol=1e-9, atol=1e-10)
    assert abs(a[0] - fused(**v)[0]) > 1e-3


@pytest.mark.parametrize("form", ["terms", "diag", "sum"])
def test_numba_backend_equals_python_perform(form):
    y, H, v = _case("mean_reverting", "full", "y", n=25)
    numba_fn, _ = _functions(y, H, "NUMBA", form)
    py_fn, _ = _functions(y, H, PY, form)
    v = _values(v, form)
    for x, z in zip(numba_fn(**v), py_fn(**v), strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("diag", [False, True])
def test_compiled_kernels_equal_pure_python(diag):
    """The numba kernels equal their own Python source run by the interpreter."""
    y, H, v = _case("mean_reverting", "full", "H", n=25)
    args = (y, H, v["T"], v["Q"], float(v["r"]), v["b0"], v["P0"], v["c"])
    K = H.shape[1]
    np.testing.assert_allclose(loglik_terms.py_func(*args, diag, K),
                               loglik_terms(*args, diag, K), rtol=1e-12)
    w = np.linspace(0.5, 1.5, len(y))
    for x, z in zip(loglik_grad.py_func(*args, w, diag, True, K),
                    loglik_grad(*args, w, diag, True, K), strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-12, atol=1e-14)
    ll, g = loglik_value_grad(*args, diag, True, K)
    np.testing.assert_allclose(ll, loglik_terms(*args, diag, K).sum(), rtol=1e-14)
    for x, z in zip(g, loglik_grad(*args, np.ones(len(y)), diag, True, K), strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-14, atol=1e-15)


def test_constant_T_skips_its_gradient_only():
    """A constant T (random walk) drops T~ and the stored P_f(t-1); the other gradients and
    the value are unchanged."""
    y, H, v = _case("random_walk", "full", "y")
    s = _symbolic(T_diag=True)
    wrt = [s[k] for k in ("Q", "r", "b0", "P0", "c")]
    K = H.shape[1]
    outs = []
    for T in (np.ones(K), s["T"]):
        ll = kalman_loglik_sum(y, H, T, s["Q"], s["r"], s["b0"], s["P0"], s["c"], T_diag=True)
        assert ll.owner.op.grad_T is (T is s["T"])
        inputs = wrt + ([s["T"]] if T is s["T"] else [])
        f = pytensor.function(inputs, [ll, *pytensor.grad(ll, wrt)], mode="NUMBA")
        kw = {k: v[k] for k in ("Q", "r", "b0", "P0", "c")}
        outs.append(f(**kw, **({"T": np.ones(K)} if T is s["T"] else {})))
    for x, z in zip(*outs, strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-14, atol=1e-15)


def test_input_checks_and_no_second_derivative():
    y, H, _ = _case("random_walk", "diag", "none", n=10, K=2)
    s = _symbolic()
    with pytest.raises(ValueError, match="dimensions"):
        kalman_loglik(y, H, s["b0"], s["Q"], s["r"], s["b0"], s["P0"], s["c"])
    with pytest.raises(ValueError, match="static number of columns"):
        kalman_loglik(y, pt.matrix("H"), s["T"], s["Q"], s["r"], s["b0"], s["P0"], s["c"])
    ll = kalman_loglik_sum(y, H, s["T"], s["Q"], s["r"], s["b0"], s["P0"], s["c"])
    g = pytensor.grad(ll, s["r"])
    with pytest.raises(NotImplementedError, match="second derivatives"):
        pytensor.grad(g, s["r"])


@pytest.mark.parametrize("wrt", ["T", "Q", "r", "b0", "P0", "c"])
@pytest.mark.parametrize("form", ["terms", "sum"])
def test_verify_grad(wrt, form):
    y, H, v = _case("mean_reverting", "full", "H", n=20, K=2)
    fn = kalman_loglik_sum if form == "sum" else (lambda *a: kalman_loglik(*a)[0])

    def loglik(x):
        args = {**v, wrt: x}
        return fn(y, H, args["T"], args["Q"], args["r"], args["b0"], args["P0"], args["c"])

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
            ops = {type(v.owner.op).__name__ for v in ancestors([model.logp()]) if v.owner}
            assert ("KalmanLoglikValueGrad" in ops) == (likelihood == "fused"), ops
            assert ("Scan" in ops) == (likelihood == "scan"), ops
            point = model.initial_point()
            logp = model.compile_logp(mode=PY)(point)
            dlogp = model.compile_dlogp(mode=PY)(point)
            logps.append((logp, dlogp))
        np.testing.assert_allclose(logps[0][0], logps[1][0], rtol=1e-11)
        np.testing.assert_allclose(logps[0][1], logps[1][1], rtol=1e-9, atol=1e-9)
