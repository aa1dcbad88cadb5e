"""The batched likelihood Op equals the per-fund Op fund by fund: values, gradients, ragged spans."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import verify_grad

from bayes_beta.kalman.batch import value_grad
from bayes_beta.kalman.batch_op import KalmanLoglikBatch, kalman_loglik_batch
from bayes_beta.kalman.fused_op import kalman_loglik_sum

PY = Mode(linker="py", optimizer="fast_compile")
F, N, K = 4, 60, 3


def _panel(seed=0, noise="constant"):
    """Four funds on one axis: a full one, a late starter (NaN before inception), one that ends
    early, and one with holidays (NaN in y) and a missing factor return (NaN in H)."""
    rng = np.random.default_rng(seed)
    H = rng.normal(size=(F, N, K))
    y = rng.normal(size=(F, N))
    start, stop = np.array([0, 17, 0, 0]), np.array([N, N, 41, N])
    for f in range(F):
        y[f, : start[f]] = np.nan
        y[f, stop[f]:] = np.nan
    y[3, [5, 6, 30]] = np.nan
    H[3, 12, 1] = np.nan
    A = rng.normal(size=(F, K, K))
    Q = np.einsum("fij,fkj->fik", A, A) * 0.02 + 0.01 * np.eye(K)
    B = rng.normal(size=(F, K, K))
    P0 = np.einsum("fij,fkj->fik", B, B) / K + np.eye(K)
    values = {"T": rng.uniform(0.6, 1.0, (F, K)), "Q": Q, "b0": rng.normal(size=(F, K)),
              "P0": P0, "c": rng.normal(size=(F, K)) * 0.1}
    if noise == "constant":
        values["r"] = rng.uniform(0.5, 1.5, F)
    else:
        values["r"] = np.column_stack([rng.uniform(0.05, 0.1, F), rng.uniform(0.02, 0.1, F),
                                       rng.uniform(0.7, 0.85, F), rng.uniform(0.5, 1.5, F)])
    return y, H, start, stop, values


def _symbolic(noise):
    return {"T": pt.matrix("T"), "Q": pt.tensor3("Q"),
            "r": pt.vector("r") if noise == "constant" else pt.matrix("r"),
            "b0": pt.matrix("b0"), "P0": pt.tensor3("P0"), "c": pt.matrix("c")}


def _batch_fn(y, H, start, stop, noise, mode, parallel=False, weights=None):
    s = _symbolic(noise)
    ll = kalman_loglik_batch(y, pt.specify_shape(pt.constant(H), (None, None, K)), start, stop,
                             s["T"], s["Q"], s["r"], s["b0"], s["P0"], s["c"], noise=noise,
                             parallel=parallel)
    total = (ll * (np.ones(F) if weights is None else weights)).sum()
    wrt = list(s.values())
    return pytensor.function(wrt, [ll, *pytensor.grad(total, wrt)], mode=mode)


def _fund_fn(noise, mode):
    """The per-fund Op on one fund's span: (loglik, gradients)."""
    y, H = pt.vector("y"), pt.specify_shape(pt.matrix("H"), (None, K))
    T, Q, P0 = pt.vector("T"), pt.matrix("Q"), pt.matrix("P0")
    b0, c = pt.vector("b0"), pt.vector("c")
    if noise == "constant":
        r = pt.dscalar("r")
        ll = kalman_loglik_sum(y, H, T, Q, r, b0, P0, c, T_diag=True)
        wrt = [T, Q, r, b0, P0, c]
    else:
        r = pt.vector("r")
        ll = kalman_loglik_sum(y, H, T, Q, (r[0], r[1], r[2], r[3]), b0, P0, c, T_diag=True,
                               noise="garch")
        wrt = [T, Q, r, b0, P0, c]
    return pytensor.function([y, H, *wrt], [ll, *pytensor.grad(ll, wrt)], mode=mode)


@pytest.mark.parametrize("noise", ["constant", "garch"])
@pytest.mark.parametrize("mode", [PY, "NUMBA"], ids=["perform", "numba"])
def test_batch_equals_per_fund_op(noise, mode):
    y, H, start, stop, v = _panel(noise=noise)
    weights = np.array([1.0, -0.5, 2.0, 0.25])
    batch = _batch_fn(y, H, start, stop, noise, mode, weights=weights)(**v)
    one = _fund_fn(noise, mode)
    for f in range(F):
        a, b = start[f], stop[f]
        ref = one(y[f, a:b], H[f, a:b], *(v[k][f] for k in ("T", "Q", "r", "b0", "P0", "c")))
        np.testing.assert_allclose(batch[0][f], ref[0], rtol=1e-10)
        for got, want in zip(batch[1:], ref[1:], strict=True):
            # the gradient of sum_f w_f l_f is w_f times fund f's own gradient
            np.testing.assert_allclose(got[f], weights[f] * np.asarray(want), rtol=1e-10,
                                       atol=1e-12)


def test_parallel_equals_serial_and_padding_is_ignored():
    y, H, start, stop, v = _panel(noise="garch")
    serial = value_grad(y, H, start, stop, *(v[k] for k in ("T", "Q", "r", "b0", "P0", "c")))
    parallel = value_grad(y, H, start, stop, *(v[k] for k in ("T", "Q", "r", "b0", "P0", "c")),
                          parallel=True)
    H2, y2 = H.copy(), y.copy()
    H2[1, :17] = 1e6  # values outside a fund's span never enter
    y2[2, 41:] = 3.0
    moved = value_grad(y2, H2, start, stop, *(v[k] for k in ("T", "Q", "r", "b0", "P0", "c")))
    for a in (parallel, moved):
        np.testing.assert_array_equal(serial[0], a[0])
        for g, h in zip(serial[1], a[1], strict=True):
            np.testing.assert_array_equal(g, h)


def test_a_fund_without_data_adds_nothing():
    y, H, start, stop, v = _panel()
    stop = stop.copy()
    stop[2] = start[2]
    ll, grads = value_grad(y, H, start, stop, *(v[k] for k in ("T", "Q", "r", "b0", "P0", "c")))
    assert ll[2] == 0.0
    assert all(np.all(g[2] == 0.0) for g in grads)


@pytest.mark.parametrize("wrt", ["T", "Q", "r", "b0", "P0", "c"])
def test_verify_grad(wrt):
    y, H, start, stop, v = _panel(seed=3, noise="garch")

    def loglik(x):
        args = {**{k: pt.constant(val) for k, val in v.items()}, wrt: x}
        if wrt in ("Q", "P0"):  # the Op treats them as symmetric: differentiate (M + M')/2
            args[wrt] = (x + x.dimshuffle(0, 2, 1)) / 2
        ll = kalman_loglik_batch(y, pt.specify_shape(pt.constant(H), (None, None, K)), start,
                                 stop, args["T"], args["Q"], args["r"], args["b0"], args["P0"],
                                 args["c"], noise="garch")
        return (ll * np.arange(1.0, F + 1)).sum()

    verify_grad(loglik, [np.asarray(v[wrt], dtype=float)], rng=np.random.default_rng(2),
                mode=PY, eps=1e-7)


def test_input_checks():
    y, H, start, stop, v = _panel()
    Hs = pt.specify_shape(pt.constant(H), (None, None, K))
    with pytest.raises(ValueError, match="static number of factors"):
        kalman_loglik_batch(y, pt.tensor3("H"), start, stop, v["T"], v["Q"], v["r"], v["b0"],
                            v["P0"], v["c"])
    with pytest.raises(ValueError, match="must have 1 dimensions"):
        kalman_loglik_batch(y, Hs, start, stop, v["T"], v["Q"], v["r"][:, None], v["b0"],
                            v["P0"], v["c"])
    with pytest.raises(ValueError, match="noise must be one of"):
        KalmanLoglikBatch(noise="steps")
    ll = kalman_loglik_batch(y, Hs, start, stop, pt.constant(v["T"]), pt.tensor3("Q"), v["r"],
                             v["b0"], v["P0"], v["c"])
    assert not ll.owner.op.grad_T
