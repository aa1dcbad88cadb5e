"""Simulation from the state-space model, for one parameter set or a batch of draws (NumPy).

    beta_0 ~ N(b0, P0),   beta_t = T beta_(t-1) + c_t + Q_sqrt eta_t,
    y_t    = H_t beta_t + d + R_sqrt eps_t,        eta_t, eps_t ~ N(0, I)

with ``A A' = P0, Q, R`` for the square-root factors (singular ones allowed). Every parameter
has a leading draw axis ``S``; the loop runs over time only. Rows of ``H_t`` with NaN give NaN
in ``y_t``. Random numbers are drawn in the order ``beta_0``, then per step the state and the
observation noise, so one draw reproduces the sequence of a plain loop.
"""

from __future__ import annotations

import numpy as np

__all__ = ["simulate_states"]


def simulate_states(T, Q_sqrt, R_sqrt, b0, P0_sqrt, H, rng, c=None, d=None):
    """``(beta (S, n, K), y (S, n, m))`` simulated from the model (module docstring).

    ``T, Q_sqrt, P0_sqrt`` (S, K, K), ``R_sqrt`` (S, m, m), ``b0`` (S, K), ``H`` (n, m, K);
    ``c`` the control input ``B u_t``, (S, n, K) or (S, 1, K) for one value at every step
    (default 0); ``d`` (m,) the offset.
    """
    S, K = b0.shape
    n, m, _ = H.shape
    H0 = np.nan_to_num(H)
    state = b0 + np.einsum("skj,sj->sk", P0_sqrt, rng.standard_normal((S, K)))
    beta, y = np.empty((S, n, K)), np.empty((S, n, m))
    for t in range(n):
        state = (np.einsum("skj,sj->sk", T, state)
                 + np.einsum("skj,sj->sk", Q_sqrt, rng.standard_normal((S, K))))
        if c is not None:
            state = state + c[:, t if c.shape[1] > 1 else 0]
        beta[:, t] = state
        y[:, t] = (np.einsum("mk,sk->sm", H0[t], state)
                   + np.einsum("smj,sj->sm", R_sqrt, rng.standard_normal((S, m))))
    if d is not None:
        y += d
    y[:, np.isnan(H).any(axis=-1)] = np.nan
    return beta, y
