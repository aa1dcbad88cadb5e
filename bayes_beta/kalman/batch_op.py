"""The pytensor Op of the batched fused log-likelihood (:mod:`bayes_beta.kalman.batch`).

:func:`kalman_loglik_batch` gives every fund's ``l[f] = sum_t l_t`` (a vector over funds) from
one kernel call; the Op's outputs are the values *and* each fund's gradient with respect to its
own parameters, so a sampler's log-density-and-gradient call runs one forward and one adjoint
pass per fund. Inputs: ``y`` (F, n), ``H`` (F, n, K) with a static ``K``, ``start, stop`` (F,)
integers (each fund's span of the time axis), ``T`` (F, K) (diagonals), ``Q, P0`` (F, K, K),
``b0, c`` (F, K), and the observation variance ``r``: (F,) (``noise="constant"``) or (F, 4)
(``noise="garch"``: ``omega, alpha, gamma, r0`` per fund).

The gradient of ``sum_f w_f l[f]`` (what pytensor asks for) is ``w_f`` times fund ``f``'s own
gradient. ``parallel=True`` runs the funds over numba's threads inside the kernel; with
``False`` the funds run one after the other in the calling thread (the choice when chains already
occupy every core). As the per-fund Op, it is registered for pytensor's numba backend with a
cacheable key and ``K`` compiled in as a constant.
"""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt
from numba import njit
from pytensor.gradient import DisconnectedType, grad_undefined
from pytensor.graph.basic import Apply, Constant
from pytensor.graph.op import Op
from pytensor.link.numba.dispatch.basic import register_funcify_default_op_cache_key

from bayes_beta.kalman.batch import value_grad_parallel, value_grad_serial
from bayes_beta.kalman.fused_op import CACHE_VERSION

__all__ = ["BATCH_NOISE_FORMS", "KalmanLoglikBatch", "kalman_loglik_batch"]

#: The observation-variance forms of a batch and the number of dimensions of ``r``.
BATCH_NOISE_FORMS = {"constant": 1, "garch": 2}


class KalmanLoglikBatch(Op):
    """Every fund's ``loglik`` (F,) and its gradients with respect to ``T, Q, r, b0, P0, c``.

    ``noise``: ``"constant"`` or ``"garch"``; ``grad_T``: compute the gradient with respect to
    ``T`` (off for a constant ``T``); ``parallel``: funds over numba's threads.
    """

    __props__ = ("noise", "grad_T", "parallel")

    def __init__(self, noise: str = "constant", grad_T: bool = True, parallel: bool = False):
        if noise not in BATCH_NOISE_FORMS:
            raise ValueError(f"noise must be one of {tuple(BATCH_NOISE_FORMS)}; got {noise!r}")
        self.noise, self.grad_T, self.parallel = noise, bool(grad_T), bool(parallel)
        super().__init__()

    def make_node(self, y, H, start, stop, T, Q, r, b0, P0, c):
        floats = [pt.as_tensor_variable(a).astype("float64") for a in (y, H)]
        ints = [pt.as_tensor_variable(a).astype("int64") for a in (start, stop)]
        params = [pt.as_tensor_variable(a).astype("float64") for a in (T, Q, r, b0, P0, c)]
        ndims = (2, 3, 1, 1, 2, 3, BATCH_NOISE_FORMS[self.noise], 2, 3, 2)
        inputs = [*floats, *ints, *params]
        for x, nd in zip(inputs, ndims, strict=True):
            if x.ndim != nd:
                raise ValueError(f"{type(self).__name__} input {x} must have {nd} dimensions, "
                                 f"not {x.ndim}")
        if inputs[1].type.shape[2] is None:
            raise ValueError("H must have a static number of factors; wrap it in "
                             "pt.specify_shape(H, (None, None, K)).")
        return Apply(self, inputs, [pt.dvector(), *(x.type() for x in params)])

    def perform(self, node, inputs, output_storage):
        y, H, start, stop, T, Q, r, b0, P0, c = inputs
        kernel = value_grad_parallel if self.parallel else value_grad_serial
        ll, grads = kernel(*(np.ascontiguousarray(a) for a in (y, H, start, stop, T, Q, r, b0,
                                                                P0, c)),
                           self.grad_T, H.shape[2])
        for storage, x in zip(output_storage, (ll, *grads), strict=True):
            storage[0] = np.asarray(x, dtype=np.float64)

    def pullback(self, inputs, outputs, output_grads):
        w, *rest = output_grads
        if not all(isinstance(x.type, DisconnectedType) for x in rest):
            raise NotImplementedError("second derivatives of the batched Kalman log-likelihood")
        grads = [w.reshape((-1,) + (1,) * (x.ndim - 1)) * x for x in outputs[1:]]
        out = [grad_undefined(self, i, inputs[i], f"{name} is data")
               for i, name in enumerate(("y", "H", "start", "stop"))]
        if self.grad_T:
            out.append(grads[0])
        else:
            out.append(grad_undefined(self, 4, inputs[4], "T was declared constant (grad_T=False)"))
        return out + grads[1:]


def kalman_loglik_batch(y, H, start, stop, T, Q, r, b0, P0, c, *, noise: str = "constant",
                        parallel: bool = False):
    """Symbolic per-fund log-likelihoods (F,) from one kernel call (module docstring)."""
    grad_T = not isinstance(pt.as_tensor_variable(T), Constant)
    op = KalmanLoglikBatch(noise=noise, grad_T=grad_T, parallel=parallel)
    return op(y, H, start, stop, T, Q, r, b0, P0, c)[0]


@register_funcify_default_op_cache_key(KalmanLoglikBatch)
def _numba_kalman_loglik_batch(op, node, **kwargs):
    """The numba implementation, with ``K`` a compile-time constant of the node."""
    K = int(node.inputs[1].type.shape[2])
    grad_T = op.grad_T
    inner = value_grad_parallel if op.parallel else value_grad_serial

    @njit
    def value_grad(y, H, start, stop, T, Q, r, b0, P0, c):
        # model data may arrive typed with any layout: the kernel is compiled for C order
        ll, (T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar) = inner(
            np.ascontiguousarray(y), np.ascontiguousarray(H), np.ascontiguousarray(start),
            np.ascontiguousarray(stop), np.ascontiguousarray(T), np.ascontiguousarray(Q),
            np.ascontiguousarray(r), np.ascontiguousarray(b0), np.ascontiguousarray(P0),
            np.ascontiguousarray(c), grad_T, K)
        return ll, T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar

    salt = (CACHE_VERSION * 4099 + K * 8 + int(op.parallel) * 4
            + list(BATCH_NOISE_FORMS).index(op.noise) + 7919)
    return value_grad, salt
