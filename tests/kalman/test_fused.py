"""The fused likelihood kernel and Op equal the pytensor scan graph: values and gradients."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import verify_grad

from bayes_beta.kalman.fused import loglik_terms, loglik_value_grad
from bayes_beta.kalman.fused_op import kalman_loglik_sum
from bayes_beta.kalman.graph import Params, kalman_filter_graph

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


def _scan(y, H, s, T_diag, u=None):
    """The scan graph's (loglik, loglik_t); ``c`` enters as ``B u_t`` with ``u_t = 1`` unless
    a per-step ``u`` is given (then ``B = diag(c)``)."""
    T = pt.diag(s["T"]) if T_diag else s["T"]
    n = len(y)
    B = s["c"][:, None] if u is None else pt.diag(s["c"])
    params = Params(T, s["Q"], pt.reshape(s["r"], (1, 1)), s["b0"], s["P0"], B)
    out = kalman_filter_graph(y[:, None], H[:, None, :], params,
                              np.ones((n, 1)) if u is None else u)
    return out.loglik, out.loglik_t


def _functions(y, H, mode, T_diag=False):
    """Fused Op and scan graph: (loglik, its gradient with respect to T, Q, r, b0, P0, c)."""
    s = _symbolic(T_diag)
    wrt = list(s.values())
    ll = kalman_loglik_sum(y, H, s["T"], s["Q"], s["r"], s["b0"], s["P0"], s["c"],
                           T_diag=T_diag)
    ref = _scan(y, H, s, T_diag)[0]
    fused = pytensor.function(wrt, [ll, *pytensor.grad(ll, wrt)], mode=mode)
    scan = pytensor.function(wrt, [ref, *pytensor.grad(ref, wrt)], mode=PY)
    return fused, scan


def _values(v, T_diag):
    return {**v, "T": np.diag(v["T"]).copy()} if T_diag else v


_GRID = [(d, q, nan, False) for d in ("random_walk", "mean_reverting") for q in ("diag", "full")
         for nan in ("none", "y", "H")] + [
    ("mean_reverting", "diag", "H", True), ("random_walk", "full", "y", True),
    ("mean_reverting", "full", "none", True)]
NAMES = ["loglik", "dT", "dQ", "dr", "db0", "dP0", "dc"]


def _close(a, b, rtol=1e-10, names=NAMES):
    for name, x, z in zip(names, a, b, strict=True):
        np.testing.assert_allclose(x, z, rtol=rtol, atol=rtol * max(1.0, np.abs(z).max()),
                                   err_msg=name)


@pytest.mark.parametrize(("dynamics", "q_form", "nan", "T_diag"), _GRID)
def test_fused_equals_scan_values_and_gradients(dynamics, q_form, nan, T_diag):
    y, H, v = _case(dynamics, q_form, nan)
    fused, scan = _functions(y, H, "NUMBA", T_diag)
    v = _values(v, T_diag)
    _close(fused(**v), scan(**v))


@pytest.mark.parametrize("T_diag", [False, True])
def test_per_step_terms_equal_scan(T_diag):
    y, H, v = _case("mean_reverting", "full", "H")
    v = _values(v, T_diag)
    s = _symbolic(T_diag)
    llt = pytensor.function(list(s.values()), _scan(y, H, s, T_diag)[1], mode=PY)(**v)
    terms = loglik_terms(y, H, v["T"], v["Q"], np.reshape(v["r"], 1), v["b0"], v["P0"],
                         v["c"][None], H.shape[1])
    np.testing.assert_allclose(terms, llt, rtol=1e-11, atol=1e-12)
    assert terms[[3, 17]].tolist() == [0.0, 0.0]  # the steps with NaN in H add nothing


def test_per_step_control_input_and_noise():
    """``c_t`` per step equals the scan graph with ``B u_t``; ``r_t`` per step (all equal)
    equals a constant ``r`` and its per-step gradients sum to the constant's."""
    y, H, v = _case("mean_reverting", "full", "y")
    n, K = H.shape
    u = np.random.default_rng(9).normal(size=(n, K))
    s = _symbolic()
    ref, _ = _scan(y, H, s, False, u=u)
    wrt = list(s.values())
    scan = pytensor.function(wrt, [ref, *pytensor.grad(ref, wrt)], mode=PY)(**v)
    r_t = np.full(n, float(v["r"]))
    ll, g = loglik_value_grad(y, H, v["T"], v["Q"], r_t, v["b0"], v["P0"], u * v["c"], True, K)
    np.testing.assert_allclose(ll, scan[0], rtol=1e-11)
    for name, x, z in zip(NAMES[1:], g, scan[1:], strict=True):
        if name == "dr":
            x = x.sum()
        if name == "dc":
            x = (x * u).sum(0)  # d/dc_k = sum_t u_tk d/d(c_t)_k
        np.testing.assert_allclose(x, z, rtol=1e-9, atol=1e-10, err_msg=name)
    assert np.all(g[2][np.isnan(y)] == 0.0)  # an unobserved step has no r_t gradient


def test_dense_T_gradient_is_full():
    """With a dense T every entry of T~ is filled; a non-diagonal T changes the likelihood."""
    y, H, v = _case("mean_reverting", "full", "none", K=3)
    fused, scan = _functions(y, H, "NUMBA")
    dT = fused(**v)[1]
    assert np.all(np.abs(dT[~np.eye(3, dtype=bool)]) > 0)
    T = v["T"] + 0.05 * np.random.default_rng(3).normal(size=(3, 3))
    a, b = fused(**{**v, "T": T}), scan(**{**v, "T": T})
    _close(a, b, rtol=1e-9)
    assert abs(a[0] - fused(**v)[0]) > 1e-3


@pytest.mark.parametrize("T_diag", [False, True])
def test_numba_backend_equals_python_perform(T_diag):
    y, H, v = _case("mean_reverting", "full", "y", n=25)
    numba_fn, _ = _functions(y, H, "NUMBA", T_diag)
    py_fn, _ = _functions(y, H, PY, T_diag)
    v = _values(v, T_diag)
    _close(numba_fn(**v), py_fn(**v), rtol=1e-12)


@pytest.mark.parametrize("T_diag", [False, True])
def test_compiled_kernels_equal_pure_python(T_diag):
    """The numba kernels equal their own Python source (steps included) run by the interpreter."""
    y, H, v = _case("mean_reverting", "full", "H", n=25)
    v = _values(v, T_diag)
    args = (y, H, v["T"], v["Q"], np.reshape(v["r"], 1), v["b0"], v["P0"], v["c"][None])
    K = H.shape[1]
    np.testing.assert_allclose(loglik_terms.py_func(*args, K), loglik_terms(*args, K),
                               rtol=1e-12)
    ll_py, g_py = loglik_value_grad.py_func(*args, True, K)
    ll, g = loglik_value_grad(*args, True, K)
    np.testing.assert_allclose(ll, ll_py, rtol=1e-13)
    np.testing.assert_allclose(ll, loglik_terms(*args, K).sum(), rtol=1e-13)
    for x, z in zip(g, g_py, strict=True):
        np.testing.assert_allclose(x, z, rtol=1e-11, atol=1e-13)


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
        kalman_loglik_sum(y, H, s["b0"], s["Q"], s["r"], s["b0"], s["P0"], s["c"])
    with pytest.raises(ValueError, match="static number of columns"):
        kalman_loglik_sum(y, pt.matrix("H"), s["T"], s["Q"], s["r"], s["b0"], s["P0"], s["c"])
    ll = kalman_loglik_sum(y, H, s["T"], s["Q"], s["r"], s["b0"], s["P0"], s["c"])
    g = pytensor.grad(ll, s["r"])
    with pytest.raises(NotImplementedError, match="second derivatives"):
        pytensor.grad(g, s["r"])


@pytest.mark.parametrize("wrt", ["T", "Q", "r", "b0", "P0", "c"])
def test_verify_grad(wrt):
    y, H, v = _case("mean_reverting", "full", "H", n=20, K=2)

    def loglik(x):
        a = {**v, wrt: x}
        return kalman_loglik_sum(y, H, a["T"], a["Q"], a["r"], a["b0"], a["P0"], a["c"])

    verify_grad(loglik, [np.asarray(v[wrt], dtype=float)], rng=np.random.default_rng(2),
                mode=PY, eps=1e-7)
