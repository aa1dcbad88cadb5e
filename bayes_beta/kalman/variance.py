"""The observation variance ``r_t`` of each step, for the kernels: given, or GARCH(1, 1).

    given   r_t = r[t], or r[0] at every step                  (r a 1-D array)
    garch   r_0 = r0,  r_t = omega + alpha v_(t-1)^2 + gamma r_(t-1)
            (r a tuple (omega, alpha, gamma, r0); v_(t-1) the filter's own innovation, whose
            square is replaced by r_(t-1) when y_(t-1) is unobserved)

so ``r_t`` is a function of the past data and the likelihood stays an exact Kalman likelihood.
numba compiles the kernels for the form they get (no branch in the loops). The adjoint of the
GARCH recursion, backwards with ``rho_t`` the adjoint of ``r_t``::

    rho_t    = S~_t + gamma rho_(t+1) [+ alpha rho_(t+1) when y_t is unobserved]
    v~_t    += 2 alpha v_t rho_(t+1)
    omega~  += rho_(t+1),  alpha~ += rho_(t+1) v_t^2,  gamma~ += rho_(t+1) r_t    (t < n - 1)
    r0~      = rho_0
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

__all__ = ["innovation_adjoint", "variance_adjoint", "variance_at", "variance_is_recursive",
           "variance_zeros"]

_ON_R = {"inline": "always"}


def _given_at(r, t, v2_prev, r_prev):
    return r[t] if r.shape[0] > 1 else r[0]


def _garch_at(r, t, v2_prev, r_prev):
    if t == 0:
        return r[3]
    return r[0] + r[1] * v2_prev + r[2] * r_prev


def variance_at(r, t, v2_prev, r_prev):
    """``r_t`` from the previous squared innovation ``v2_prev`` and variance ``r_prev``."""
    return (_given_at if isinstance(r, np.ndarray) else _garch_at)(r, t, v2_prev, r_prev)


@overload(variance_at, **_ON_R)
def _variance_at(r, t, v2_prev, r_prev):
    return _given_at if isinstance(r, types.Array) else _garch_at


def _given_recursive(r):
    return False


def _garch_recursive(r):
    return True


def variance_is_recursive(r):
    """Whether ``r`` is a recursion on the filter's innovations (a GARCH tuple) rather than
    given values (a compile-time constant in the kernels)."""
    return (_given_recursive if isinstance(r, np.ndarray) else _garch_recursive)(r)


@overload(variance_is_recursive, **_ON_R)
def _variance_is_recursive(r):
    return _given_recursive if isinstance(r, types.Array) else _garch_recursive


def _given_zeros(r):
    return np.zeros(r.shape[0])


def _garch_zeros(r):
    return np.zeros(4)


def variance_zeros(r):
    """The adjoint of ``r``: one entry per given value, or (omega~, alpha~, gamma~, r0~)."""
    return (_given_zeros if isinstance(r, np.ndarray) else _garch_zeros)(r)


@overload(variance_zeros, **_ON_R)
def _variance_zeros(r):
    return _given_zeros if isinstance(r, types.Array) else _garch_zeros


def _given_extra(r, v, rho_next):
    return 0.0


def _garch_extra(r, v, rho_next):
    return 2.0 * r[1] * v * rho_next


def innovation_adjoint(r, v, rho_next):
    """What ``r_(t+1)`` adds to the adjoint of the innovation ``v_t``."""
    return (_given_extra if isinstance(r, np.ndarray) else _garch_extra)(r, v, rho_next)


@overload(innovation_adjoint, **_ON_R)
def _innovation_adjoint(r, v, rho_next):
    return _given_extra if isinstance(r, types.Array) else _garch_extra


def _given_adjoint(r, r_bar, t, n, S_bar, obs, v2, r_t, rho_next):
    r_bar[t if r.shape[0] > 1 else 0] += S_bar
    return 0.0


def _garch_adjoint(r, r_bar, t, n, S_bar, obs, v2, r_t, rho_next):
    rho = S_bar + r[2] * rho_next
    if not obs:
        rho += r[1] * rho_next
    if t < n - 1:
        r_bar[0] += rho_next
        r_bar[1] += rho_next * v2
        r_bar[2] += rho_next * r_t
    if t == 0:
        r_bar[3] += rho
    return rho


def variance_adjoint(r, r_bar, t, n, S_bar, obs, v2, r_t, rho_next):
    """Add step ``t``'s share to ``r_bar``; returns ``rho_t``, the adjoint of ``r_t``."""
    impl = _given_adjoint if isinstance(r, np.ndarray) else _garch_adjoint
    return impl(r, r_bar, t, n, S_bar, obs, v2, r_t, rho_next)


@overload(variance_adjoint, **_ON_R)
def _variance_adjoint(r, r_bar, t, n, S_bar, obs, v2, r_t, rho_next):
    return _given_adjoint if isinstance(r, types.Array) else _garch_adjoint
