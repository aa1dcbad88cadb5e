"""The stationary AR(1) path of a stochastic log-variance, as a differentiable pytensor Op.

    x_0 = sigma / sqrt(1 - phi^2) z_0,     x_t = phi x_(t-1) + sigma z_t     (t = 1 .. n-1)

with ``z`` standard normal: the non-centred parametrization NUTS samples. The adjoint, backwards
with ``x~`` the gradient reaching the path and ``a_t`` the total adjoint of ``x_t``::

    a_t     = x~_t + phi a_(t+1)                 (a_n = 0)
    z~_t    = sigma a_t  (t >= 1),   z~_0 = sigma / sqrt(1 - phi^2) a_0
    phi~    = sum_(t>=1) a_t x_(t-1) + a_0 z_0 sigma phi (1 - phi^2)^(-3/2)
    sigma~  = sum_(t>=1) a_t z_t + a_0 z_0 / sqrt(1 - phi^2)

O(n) both ways, where a pytensor scan would cost a compiled loop per call.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytensor.tensor as pt
from numba import njit
from pytensor.graph.basic import Apply
from pytensor.graph.op import Op
from pytensor.link.numba.dispatch.basic import register_funcify_default_op_cache_key

__all__ = ["ar1_path"]

_KERNEL = {"cache": True, "error_model": "numpy"}
_CACHE_VERSION = int(hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12], 16)


@njit(**_KERNEL)
def path_forward(z, phi, sigma):
    """The path ``x`` (n,) of the module docstring."""
    n = z.shape[0]
    x = np.empty(n)
    if n == 0:
        return x
    x[0] = sigma / np.sqrt(1.0 - phi * phi) * z[0]
    for t in range(1, n):
        x[t] = phi * x[t - 1] + sigma * z[t]
    return x


@njit(**_KERNEL)
def path_backward(z, phi, sigma, x, g):
    """``(z~, phi~, sigma~)`` for the gradient ``g`` reaching ``x`` (module docstring)."""
    n = z.shape[0]
    z_bar = np.zeros(n)
    phi_bar, sigma_bar, a = 0.0, 0.0, 0.0
    for t in range(n - 1, 0, -1):
        a = g[t] + phi * a
        z_bar[t] = sigma * a
        phi_bar += a * x[t - 1]
        sigma_bar += a * z[t]
    if n:
        a = g[0] + phi * a
        s = np.sqrt(1.0 - phi * phi)
        z_bar[0] = sigma / s * a
        phi_bar += a * z[0] * sigma * phi / (s * s * s)
        sigma_bar += a * z[0] / s
    return z_bar, phi_bar, sigma_bar


class AR1Path(Op):
    """``x = AR1(z; phi, sigma)`` (module docstring)."""

    __props__ = ()

    def make_node(self, z, phi, sigma):
        z, phi, sigma = (pt.as_tensor_variable(v).astype("float64") for v in (z, phi, sigma))
        if z.ndim != 1 or phi.ndim != 0 or sigma.ndim != 0:
            raise ValueError("AR1Path takes z (n,), phi () and sigma ().")
        return Apply(self, [z, phi, sigma], [z.type()])

    def perform(self, node, inputs, output_storage):
        z, phi, sigma = inputs
        output_storage[0][0] = path_forward(z, float(phi), float(sigma))

    def infer_shape(self, node, shapes):
        return [shapes[0]]

    def pullback(self, inputs, outputs, output_grads):
        z_bar, phi_bar, sigma_bar = AR1PathGrad()(*inputs, outputs[0], output_grads[0])
        return [z_bar, phi_bar, sigma_bar]


class AR1PathGrad(Op):
    """The gradient of :class:`AR1Path`: ``(z~, phi~, sigma~)``."""

    __props__ = ()

    def make_node(self, z, phi, sigma, x, g):
        inputs = [pt.as_tensor_variable(v).astype("float64") for v in (z, phi, sigma, x, g)]
        return Apply(self, inputs, [inputs[0].type(), pt.dscalar(), pt.dscalar()])

    def perform(self, node, inputs, output_storage):
        z, phi, sigma, x, g = inputs
        out = path_backward(z, float(phi), float(sigma), x, g)
        for storage, v in zip(output_storage, out, strict=True):
            storage[0] = np.asarray(v, dtype=np.float64)


def ar1_path(z, phi, sigma):
    """Symbolic stationary AR(1) path from standard normal ``z`` (module docstring)."""
    return AR1Path()(z, phi, sigma)


@register_funcify_default_op_cache_key(AR1Path)
def _numba_ar1_path(op, node, **kwargs):
    @njit
    def ar1(z, phi, sigma):
        return path_forward(np.ascontiguousarray(z), phi.item(), sigma.item())

    return ar1, _CACHE_VERSION


@register_funcify_default_op_cache_key(AR1PathGrad)
def _numba_ar1_path_grad(op, node, **kwargs):
    @njit
    def ar1_grad(z, phi, sigma, x, g):
        z_bar, phi_bar, sigma_bar = path_backward(np.ascontiguousarray(z), phi.item(),
                                                  sigma.item(), np.ascontiguousarray(x),
                                                  np.ascontiguousarray(g))
        return z_bar, np.asarray(phi_bar), np.asarray(sigma_bar)

    return ar1_grad, _CACHE_VERSION + 1
