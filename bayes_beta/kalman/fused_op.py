"""pytensor Ops wrapping the fused Kalman log-likelihood kernels of :mod:`bayes_beta.kalman.fused`.

Inputs, for scalar observations: ``y`` (n,), ``H`` (n, K) with a static ``K``, ``T`` (K, K) or,
with ``T_diag=True``, its diagonal (K,), ``Q, P0`` (K, K), ``r`` (), ``b0, c`` (K,).

- :func:`kalman_loglik` -> ``(loglik, loglik_t)``; its gradient (any weights on the two outputs)
  is :class:`KalmanLoglikGrad`, one forward and one adjoint pass.
- :func:`kalman_loglik_sum` -> ``loglik`` alone, computed by :class:`KalmanLoglikValueGrad`
  together with its gradient, so a sampler's log-density-and-gradient call runs the kernels once.
  This is what the PyMC model uses.

All run the same numba kernels in ``perform`` (any pytensor backend) and are registered for
pytensor's numba backend with a cacheable key, so nutpie compiles them natively and pytensor's
numba cache keeps them between processes. There the state dimension ``K`` is passed to the
kernels as a compile-time constant (loops of fixed length, unrolled for small ``K``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytensor.tensor as pt
from numba import njit
from pytensor.gradient import DisconnectedType, grad_undefined
from pytensor.graph.basic import Apply, Constant
from pytensor.graph.op import Op
from pytensor.link.numba.dispatch.basic import register_funcify_default_op_cache_key

from bayes_beta.kalman.fused import loglik_grad, loglik_terms, loglik_value_grad

__all__ = ["KalmanLoglik", "KalmanLoglikGrad", "KalmanLoglikValueGrad", "kalman_loglik",
           "kalman_loglik_sum"]


def _source_version() -> int:
    """A cache key salt from the kernels' source: editing them invalidates cached numba code."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("fused.py", "fused_op.py"):
        digest.update((here / name).read_bytes())
    return int(digest.hexdigest()[:12], 16)


_CACHE_VERSION = _source_version()


class _FusedOp(Op):
    """Shared input handling. ``T_diag``: ``T`` is given by its diagonal. ``grad_T``: the
    gradient with respect to ``T`` is computed (off for a constant ``T``: saves the stored
    ``P_f(t-1)``)."""

    __props__ = ("T_diag", "grad_T")
    n_extra = 0  # trailing inputs after c (the weights of KalmanLoglikGrad)

    def __init__(self, T_diag: bool = False, grad_T: bool = True):
        self.T_diag = bool(T_diag)
        self.grad_T = bool(grad_T)
        super().__init__()

    def _inputs(self, args):
        ndims = (1, 2, 1 if self.T_diag else 2, 2, 0, 1, 2, 1) + (1,) * self.n_extra
        out = [pt.as_tensor_variable(a).astype("float64") for a in args]
        if len(out) != len(ndims):
            raise TypeError(f"{type(self).__name__} takes {len(ndims)} inputs, got {len(out)}")
        for x, nd in zip(out, ndims, strict=True):
            if x.ndim != nd:
                raise ValueError(f"{type(self).__name__} input {x} must have {nd} dimensions, "
                                 f"not {x.ndim}")
        if out[1].type.shape[1] is None:
            raise ValueError("H must have a static number of columns; wrap it in "
                             "pt.specify_shape(H, (None, K)).")
        return out

    def _T_matrix(self, T):
        return np.diag(T) if self.T_diag else T

    def _T_grad(self, T_bar):
        return np.diag(T_bar).copy() if self.T_diag else T_bar

    def _grad_outputs(self, T, Q, r, b0, P0, c):
        return [T.type(), Q.type(), r.type(), b0.type(), P0.type(), c.type()]


class KalmanLoglikGrad(_FusedOp):
    """Gradient of ``sum_t w_t l_t`` with respect to ``T, Q, r, b0, P0, c``."""

    n_extra = 1

    def make_node(self, *args):
        inputs = self._inputs(args)
        return Apply(self, inputs, self._grad_outputs(*inputs[2:8]))

    def perform(self, node, inputs, output_storage):
        y, H, T, Q, r, b0, P0, c, w = inputs
        g = loglik_grad(y, H, self._T_matrix(T), Q, float(r), b0, P0, c, w, self.T_diag,
                        self.grad_T, H.shape[1])
        for storage, x in zip(output_storage, (self._T_grad(g[0]), *g[1:]), strict=True):
            storage[0] = np.asarray(x, dtype=np.float64)


def _pullback_inputs(op, inputs, grads):
    """``y`` and ``H`` are data; ``T`` has no gradient when ``grad_T`` is off."""
    out = [grad_undefined(op, 0, inputs[0], "y is data"),
           grad_undefined(op, 1, inputs[1], "H is data")]
    if op.grad_T:
        out.append(grads[0])
    else:
        out.append(grad_undefined(op, 2, inputs[2], "T was declared constant (grad_T=False)"))
    return out + list(grads[1:])


class KalmanLoglik(_FusedOp):
    """Marginal log-likelihood (scalar) and its per-step terms (n,) of the fused filter."""

    def make_node(self, *args):
        inputs = self._inputs(args)
        return Apply(self, inputs, [pt.dscalar(), pt.dvector()])

    def perform(self, node, inputs, output_storage):
        y, H, T, Q, r, b0, P0, c = inputs
        ll_t = loglik_terms(y, H, self._T_matrix(T), Q, float(r), b0, P0, c, self.T_diag,
                            H.shape[1])
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
        grads = KalmanLoglikGrad(self.T_diag, self.grad_T)(*inputs, w)
        return _pullback_inputs(self, inputs, grads)


class KalmanLoglikValueGrad(_FusedOp):
    """``loglik`` and its gradient ``(T~, Q~, r~, b0~, P0~, c~)`` in one call: the Op's own
    outputs are its gradient, so a log-density-and-gradient function evaluates it once."""

    def make_node(self, *args):
        inputs = self._inputs(args)
        return Apply(self, inputs, [pt.dscalar(), *self._grad_outputs(*inputs[2:8])])

    def perform(self, node, inputs, output_storage):
        y, H, T, Q, r, b0, P0, c = inputs
        ll, g = loglik_value_grad(y, H, self._T_matrix(T), Q, float(r), b0, P0, c, self.T_diag,
                                  self.grad_T, H.shape[1])
        for storage, x in zip(output_storage, (ll, self._T_grad(g[0]), *g[1:]), strict=True):
            storage[0] = np.asarray(x, dtype=np.float64)

    def pullback(self, inputs, outputs, output_grads):
        g, *rest = output_grads
        if not all(isinstance(x.type, DisconnectedType) for x in rest):
            raise NotImplementedError("second derivatives of the fused Kalman log-likelihood")
        return _pullback_inputs(self, inputs, [g * x for x in outputs[1:]])


def _flags(T, T_diag):
    return dict(T_diag=T_diag, grad_T=not isinstance(pt.as_tensor_variable(T), Constant))


def kalman_loglik(y, H, T, Q, r, b0, P0, c, *, T_diag: bool = False):
    """Symbolic ``(loglik, loglik_t)`` of the fused scalar-observation filter (``T_diag``: ``T``
    is the vector of its diagonal)."""
    return KalmanLoglik(**_flags(T, T_diag))(y, H, T, Q, r, b0, P0, c)


def kalman_loglik_sum(y, H, T, Q, r, b0, P0, c, *, T_diag: bool = False):
    """Symbolic ``loglik`` whose value and gradient come from one kernel call."""
    return KalmanLoglikValueGrad(**_flags(T, T_diag))(y, H, T, Q, r, b0, P0, c)[0]


# ------------------------------------------------------------------ numba backend
@njit(cache=True)
def _diag_matrix(t):
    return np.diag(t)


@njit(cache=True)
def _diag_of(T_bar):
    return np.diag(T_bar).copy()


@njit(cache=True)
def _same(x):
    return x


def _numba_parts(op, node):
    """The compile-time constants of a node: K, the T flags, and T's converters."""
    K = int(node.inputs[1].type.shape[1])
    to_T, from_T = (_diag_matrix, _diag_of) if op.T_diag else (_same, _same)
    return K, op.T_diag, op.grad_T, to_T, from_T, _CACHE_VERSION * 4099 + K


@register_funcify_default_op_cache_key(KalmanLoglik)
def _numba_kalman_loglik(op, node, **kwargs):
    K, diag, _, to_T, _, salt = _numba_parts(op, node)

    @njit
    def kalman_loglik_numba(y, H, T, Q, r, b0, P0, c):
        ll_t = loglik_terms(y, H, to_T(T), Q, r.item(), b0, P0, c, diag, K)
        return np.asarray(ll_t.sum()), ll_t

    return kalman_loglik_numba, salt


@register_funcify_default_op_cache_key(KalmanLoglikGrad)
def _numba_kalman_loglik_grad(op, node, **kwargs):
    K, diag, grad_T, to_T, from_T, salt = _numba_parts(op, node)

    @njit
    def kalman_loglik_grad_numba(y, H, T, Q, r, b0, P0, c, w):
        T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar = loglik_grad(
            y, H, to_T(T), Q, r.item(), b0, P0, c, w, diag, grad_T, K)
        return from_T(T_bar), Q_bar, np.asarray(r_bar), b_bar, P_bar, c_bar

    return kalman_loglik_grad_numba, salt


@register_funcify_default_op_cache_key(KalmanLoglikValueGrad)
def _numba_kalman_loglik_value_grad(op, node, **kwargs):
    K, diag, grad_T, to_T, from_T, salt = _numba_parts(op, node)

    @njit
    def kalman_loglik_value_grad_numba(y, H, T, Q, r, b0, P0, c):
        ll, (T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar) = loglik_value_grad(
            y, H, to_T(T), Q, r.item(), b0, P0, c, diag, grad_T, K)
        return (np.asarray(ll), from_T(T_bar), Q_bar, np.asarray(r_bar), b_bar, P_bar, c_bar)

    return kalman_loglik_value_grad_numba, salt
