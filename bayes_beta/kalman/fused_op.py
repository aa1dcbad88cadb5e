"""pytensor Ops wrapping the fused Kalman log-likelihood kernels of :mod:`bayes_beta.kalman.fused`.

``kalman_loglik(y, H, T, Q, r, b0, P0, c) -> (loglik, loglik_t)`` for scalar observations:
``y`` (n,), ``H`` (n, K), ``T, Q, P0`` (K, K), ``r`` (), ``b0, c`` (K,). Its gradient with respect
to ``T, Q, r, b0, P0, c`` is a second Op running the hand-derived adjoint. Both run the same
numba kernels in ``perform`` (any pytensor backend) and are registered for pytensor's numba
backend with a cacheable key, so nutpie compiles them natively and pytensor's numba cache keeps
them between processes.
"""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt
from pytensor.gradient import DisconnectedType, grad_undefined
from pytensor.graph.basic import Apply
from pytensor.graph.op import Op
from pytensor.link.numba.dispatch.basic import register_funcify_default_op_cache_key

from bayes_beta.kalman.fused import loglik_scalar, loglik_scalar_grad

__all__ = ["KalmanLoglik", "KalmanLoglikGrad", "kalman_loglik"]

_NDIMS = (1, 2, 2, 2, 0, 1, 2, 1)  # y, H, T, Q, r, b0, P0, c


def _source_version() -> int:
    """A cache key salt from the kernels' source: editing them invalidates cached numba code."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("fused.py", "numba_kernels.py"):
        digest.update((here / name).read_bytes())
    return int(digest.hexdigest()[:12], 16)


_CACHE_VERSION = _source_version()


def _inputs(args, ndims):
    out = [pt.as_tensor_variable(a).astype("float64") for a in args]
    for x, nd in zip(out, ndims, strict=True):
        if x.ndim != nd:
            raise ValueError(f"KalmanLoglik input {x} must have {nd} dimensions, not {x.ndim}")
    return out


class KalmanLoglikGrad(Op):
    """Gradient of ``sum_t w_t l_t`` with respect to ``T, Q, r, b0, P0, c``."""

    __props__ = ()

    def make_node(self, *args):
        inputs = _inputs(args, (*_NDIMS, 1))
        _, _, T, Q, r, b0, P0, c, _ = inputs
        outputs = [T.type(), Q.type(), r.type(), b0.type(), P0.type(), c.type()]
        return Apply(self, inputs, outputs)

    def perform(self, node, inputs, output_storage):
        y, H, T, Q, r, b0, P0, c, w = inputs
        grads = loglik_scalar_grad(y, H, T, Q, float(r), b0, P0, c, w)
        for storage, g in zip(output_storage, grads, strict=True):
            storage[0] = np.asarray(g, dtype=np.float64)


class KalmanLoglik(Op):
    """Marginal log-likelihood (scalar) and its per-step terms (n,) of the fused filter."""

    __props__ = ()

    def make_node(self, *args):
        inputs = _inputs(args, _NDIMS)
        return Apply(self, inputs, [pt.dscalar(), pt.dvector()])

    def perform(self, node, inputs, output_storage):
        y, H, T, Q, r, b0, P0, c = inputs
        ll_t = loglik_scalar(y, H, T, Q, float(r), b0, P0, c)
        output_storage[0][0] = np.asarray(ll_t.sum())
        output_storage[1][0] = ll_t

    def infer_shape(self, node, shapes):
        return [(), (shapes[0][0],)]

    def pullback(self, inputs, outputs, output_grads):
        g_total, g_steps = output_grads
        n = inputs[0].shape[0]
        w = pt.zeros((n,), dtype="float64")
        if not isinstance(g_total.type, DisconnectedType):
            w = w + g_total
        if not isinstance(g_steps.type, DisconnectedType):
            w = w + g_steps
        grads = KalmanLoglikGrad()(*inputs, w)
        return [grad_undefined(self, 0, inputs[0], "y is data"),
                grad_undefined(self, 1, inputs[1], "H is data"), *grads]


_loglik_op = KalmanLoglik()


def kalman_loglik(y, H, T, Q, r, b0, P0, c):
    """Symbolic ``(loglik, loglik_t)`` of the fused scalar-observation filter."""
    return _loglik_op(y, H, T, Q, r, b0, P0, c)


@register_funcify_default_op_cache_key(KalmanLoglik)
def _numba_kalman_loglik(op, node, **kwargs):
    from numba import njit

    @njit
    def kalman_loglik_numba(y, H, T, Q, r, b0, P0, c):
        ll_t = loglik_scalar(y, H, T, Q, r.item(), b0, P0, c)
        return np.asarray(ll_t.sum()), ll_t

    return kalman_loglik_numba, _CACHE_VERSION


@register_funcify_default_op_cache_key(KalmanLoglikGrad)
def _numba_kalman_loglik_grad(op, node, **kwargs):
    from numba import njit

    @njit
    def kalman_loglik_grad_numba(y, H, T, Q, r, b0, P0, c, w):
        T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar = loglik_scalar_grad(
            y, H, T, Q, r.item(), b0, P0, c, w
        )
        return T_bar, Q_bar, np.asarray(r_bar), b_bar, P_bar, c_bar

    return kalman_loglik_grad_numba, _CACHE_VERSION
