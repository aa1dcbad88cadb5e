"""Dense Gaussian oracle: the joint law of (beta_{1:n}, y_{1:n}) built as one big normal."""

from __future__ import annotations

import numpy as np


def joint_moments(H, spec, u=None, R_steps=None):
    """Mean and covariance of ``beta`` (nK,) and ``y`` (nm,) stacked over time; ``R_steps``
    (n, m, m) replaces ``spec.R`` by one observation covariance per step.

    ``beta_t = T^t beta_0 + sum_s T^(t-s) (B u_s + eta_s)``; ``y_t = H_t beta_t + d + eps_t``.
    """
    n, m, K = H.shape
    T = spec.T
    powers = [np.linalg.matrix_power(T, k) for k in range(n + 1)]
    G = np.zeros((n * K, K + n * K))  # beta_{1:n} = G [beta_0; eta_{1:n}]
    mean_b = np.zeros(n * K)
    for t in range(1, n + 1):
        rows = slice((t - 1) * K, t * K)
        G[rows, :K] = powers[t]
        drift = powers[t] @ spec.b0
        for s in range(1, t + 1):
            G[rows, K + (s - 1) * K : K + s * K] = powers[t - s]
            if u is not None:
                drift = drift + powers[t - s] @ spec.B @ u[s - 1]
        mean_b[rows] = drift
    noise = np.zeros((K + n * K, K + n * K))
    noise[:K, :K] = spec.P0
    for s in range(n):
        noise[K + s * K : K + (s + 1) * K, K + s * K : K + (s + 1) * K] = spec.Q
    cov_b = G @ noise @ G.T
    Hbig = np.zeros((n * m, n * K))
    for t in range(n):
        Hbig[t * m : (t + 1) * m, t * K : (t + 1) * K] = H[t]
    mean_y = Hbig @ mean_b + np.tile(spec.d, n)
    R = np.broadcast_to(spec.R, (n, m, m)) if R_steps is None else R_steps
    cov_y = Hbig @ cov_b @ Hbig.T
    for t in range(n):
        cov_y[t * m:(t + 1) * m, t * m:(t + 1) * m] += R[t]
    cov_by = cov_b @ Hbig.T
    return mean_b, cov_b, mean_y, cov_y, cov_by


def oracle(y, H, spec, u=None, R_steps=None):
    """Exact log p(y) and E, Cov of beta_{1:n} | y, using only the observed entries of ``y``.

    An entry ``y[t, i]`` counts as observed when it and the row ``H[t, i, :]`` are finite.
    Returns ``(loglik, mean (n, K), cov (nK, nK))``.
    """
    from scipy.stats import multivariate_normal

    n, _m, K = H.shape
    H0 = np.where(np.isnan(H), 0.0, H)
    mean_b, cov_b, mean_y, cov_y, cov_by = joint_moments(H0, spec, u, R_steps)
    obs = (~np.isnan(y) & ~np.isnan(H).any(axis=-1)).reshape(-1)
    yv = y.reshape(-1)[obs]
    Syy = cov_y[np.ix_(obs, obs)]
    loglik = multivariate_normal(mean_y[obs], Syy).logpdf(yv) if obs.any() else 0.0
    gain = np.linalg.solve(Syy, cov_by[:, obs].T).T
    mean = mean_b + gain @ (yv - mean_y[obs])
    cov = cov_b - gain @ cov_by[:, obs].T
    return float(loglik), mean.reshape(n, K), cov
