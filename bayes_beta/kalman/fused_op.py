"""The pytensor Op of the fused Kalman log-likelihood (:mod:`bayes_beta.kalman.fused`).

:func:`kalman_loglik_sum` gives ``sum_t l_t`` for scalar observations; the Op's outputs are the
value *and* its gradient with respect to every input but the data, so a sampler's
log-density-and-gradient call runs one forward and one adjoint pass. Inputs: ``y`` (n,),
``H`` (n, K) with a static ``K``, ``T`` (K, K) or, with ``T_diag=True``, its diagonal (K,),
``Q, P0`` (K, K), ``b0, c`` (K,), and the observation variance in one of three forms
(:mod:`bayes_beta.kalman.variance`):

- ``noise="constant"``: ``r`` (), the same at every step;
- ``noise="steps"``: ``r`` (n,), one per step (stochastic volatility, Student-t scales, known
  multipliers);
- ``noise="garch"``: ``omega, alpha, gamma, r0`` (each ()), the GARCH(1, 1) recursion on the
  filter's own innovations.

The Op runs the numba kernels in ``perform`` (any pytensor backend) and is registered for
pytensor's numba backend with a cacheable key, so nutpie compiles it natively and pytensor's
numba cache keeps it between processes. There the state dimension ``K`` is passed to the
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

from bayes_beta.kalman.fused import loglik_value_grad

__all__ = ["CACHE_VERSION", "NOISE_FORMS", "KalmanLoglikValueGrad", "kalman_loglik_sum"]

NOISE_FORMS = {"constant": (0,), "steps": (1,), "garch": (0, 0, 0, 0)}  # ndims of the inputs


def _source_version() -> int:
    """A cache key salt from the kernels' source: editing them invalidates cached numba code."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("steps.py", "variance.py", "fused.py", "fused_op.py", "batch.py", "batch_op.py"):
        digest.update((here / name).read_bytes())
    return int(digest.hexdigest()[:12], 16)


#: Salt of the Ops' numba cache keys: a hash of the kernels' source files.
CACHE_VERSION = _source_version()


class KalmanLoglikValueGrad(Op):
    """``loglik`` and its gradient with respect to ``T, Q, <noise>, b0, P0, c`` in one call.

    ``T_diag``: ``T`` is given by its diagonal. ``grad_T``: the gradient with respect to ``T``
    is computed (off for a constant ``T``: saves the stored ``P_f(t-1)``). ``noise``: the form
    of the observation variance (module docstring).
    """

    __props__ = ("T_diag", "grad_T", "noise")

    def __init__(self, T_diag: bool = False, grad_T: bool = True, noise: str = "constant"):
        if noise not in NOISE_FORMS:
            raise ValueError(f"noise must be one of {tuple(NOISE_FORMS)}; got {noise!r}")
        self.T_diag, self.grad_T, self.noise = bool(T_diag), bool(grad_T), noise
        super().__init__()

    def make_node(self, *args):
        ndims = (1, 2, 1 if self.T_diag else 2, 2, *NOISE_FORMS[self.noise], 1, 2, 1)
        inputs = [pt.as_tensor_variable(a).astype("float64") for a in args]
        if len(inputs) != len(ndims):
            raise TypeError(f"{type(self).__name__} takes {len(ndims)} inputs, got {len(inputs)}")
        for x, nd in zip(inputs, ndims, strict=True):
            if x.ndim != nd:
                raise ValueError(f"{type(self).__name__} input {x} must have {nd} dimensions, "
                                 f"not {x.ndim}")
        if inputs[1].type.shape[1] is None:
            raise ValueError("H must have a static number of columns; wrap it in "
                             "pt.specify_shape(H, (None, K)).")
        return Apply(self, inputs, [pt.dscalar(), *(x.type() for x in inputs[2:])])

    def _noise(self, values):
        if self.noise == "constant":
            return np.reshape(values[0], (1,))
        if self.noise == "steps":
            return np.asarray(values[0])
        return tuple(float(v) for v in values)

    def perform(self, node, inputs, output_storage):
        y, H, T, Q, *rest = inputs
        *noise, b0, P0, c = rest
        ll, g = loglik_value_grad(y, H, T, Q, self._noise(noise), b0, P0, c[None, :],
                                  self.grad_T, H.shape[1])
        T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar = g
        noise_bar = [r_bar[0]] if self.noise == "constant" else (
            [r_bar] if self.noise == "steps" else list(r_bar))
        outs = (ll, T_bar, Q_bar, *noise_bar, b_bar, P_bar, c_bar[0])
        for storage, x in zip(output_storage, outs, strict=True):
            storage[0] = np.asarray(x, dtype=np.float64)

    def pullback(self, inputs, outputs, output_grads):
        g, *rest = output_grads
        if not all(isinstance(x.type, DisconnectedType) for x in rest):
            raise NotImplementedError("second derivatives of the fused Kalman log-likelihood")
        grads = [g * x for x in outputs[1:]]
        out = [grad_undefined(self, 0, inputs[0], "y is data"),
               grad_undefined(self, 1, inputs[1], "H is data")]
        if self.grad_T:
            out.append(grads[0])
        else:
            out.append(grad_undefined(self, 2, inputs[2], "T was declared constant (grad_T=False)"))
        return out + grads[1:]


def kalman_loglik_sum(y, H, T, Q, r, b0, P0, c, *, T_diag: bool = False,
                      noise: str = "constant"):
    """Symbolic ``sum_t l_t`` whose value and gradient come from one kernel call (``T_diag``:
    ``T`` is the vector of its diagonal; ``r`` is a scalar, a vector (``noise="steps"``) or
    the tuple ``(omega, alpha, gamma, r0)`` (``noise="garch"``))."""
    grad_T = not isinstance(pt.as_tensor_variable(T), Constant)
    op = KalmanLoglikValueGrad(T_diag=T_diag, grad_T=grad_T, noise=noise)
    noise_in = tuple(r) if noise == "garch" else (r,)
    return op(y, H, T, Q, *noise_in, b0, P0, c)[0]


def _numba_noise(noise):
    """numba-side conversion of the noise inputs to the kernel's ``r`` and back."""
    if noise == "constant":
        return (njit(lambda r: r.reshape(1)), njit(lambda r_bar: (np.asarray(r_bar[0]),)))
    if noise == "steps":
        return (njit(lambda r: np.ascontiguousarray(r)), njit(lambda r_bar: (r_bar,)))
    return (njit(lambda o, a, g, r0: (o.item(), a.item(), g.item(), r0.item())),
            njit(lambda r_bar: (np.asarray(r_bar[0]), np.asarray(r_bar[1]),
                                np.asarray(r_bar[2]), np.asarray(r_bar[3]))))


@register_funcify_default_op_cache_key(KalmanLoglikValueGrad)
def _numba_kalman_loglik_value_grad(op, node, **kwargs):
    """The numba implementation, with ``K`` a compile-time constant of the node."""
    K = int(node.inputs[1].type.shape[1])
    grad_T = op.grad_T
    to_r, from_r = _numba_noise(op.noise)
    n_noise = len(NOISE_FORMS[op.noise])

    @njit
    def kernel(y, H, T, Q, r, b0, P0, c):
        # model data may arrive typed with any layout: the kernel is compiled for C order
        # (numba checks contiguity at run time and copies nothing when it holds)
        ll, (T_bar, Q_bar, r_bar, b_bar, P_bar, c_bar) = loglik_value_grad(
            np.ascontiguousarray(y), np.ascontiguousarray(H), np.ascontiguousarray(T),
            np.ascontiguousarray(Q), r, np.ascontiguousarray(b0), np.ascontiguousarray(P0),
            c.reshape(1, K), grad_T, K)
        return np.asarray(ll), T_bar, Q_bar, from_r(r_bar), b_bar, P_bar, c_bar[0].copy()

    if n_noise == 1:
        @njit
        def value_grad(y, H, T, Q, r, b0, P0, c):
            ll, T_bar, Q_bar, noise_bar, b_bar, P_bar, c_bar = kernel(y, H, T, Q, to_r(r), b0,
                                                                      P0, c)
            return (ll, T_bar, Q_bar, noise_bar[0], b_bar, P_bar, c_bar)
    else:
        @njit
        def value_grad(y, H, T, Q, omega, alpha, gamma, r0, b0, P0, c):
            ll, T_bar, Q_bar, nb, b_bar, P_bar, c_bar = kernel(
                y, H, T, Q, to_r(omega, alpha, gamma, r0), b0, P0, c)
            return (ll, T_bar, Q_bar, nb[0], nb[1], nb[2], nb[3], b_bar, P_bar, c_bar)

    salt = CACHE_VERSION * 4099 + K * 8 + int(op.T_diag) * 4 + list(NOISE_FORMS).index(op.noise)
    return value_grad, salt
