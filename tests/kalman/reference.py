"""Test-only reference for the propagation kernels: the batched pytensor graphs.

For draws with a leading axis, the filter, the smoother and a Durbin-Koopman path draw of
:mod:`bayes_beta.kalman.graph` (the scan graphs, which the tests hold equal to statsmodels and
a dense Gaussian oracle), with the random numbers given. Slow to compile; small inputs only.
"""

from functools import cache

import numpy as np


@cache
def _compiled():
    import pytensor
    import pytensor.tensor as pt
    from pytensor.compile.mode import Mode

    from bayes_beta.kalman.graph import Params, sample_paths_graph

    y = pt.tensor("y", shape=(None, 1))
    H = pt.tensor("H", shape=(None, 1, None))
    u = pt.matrix("u")
    T, Q_sqrt, R_sqrt, P0, B = (pt.tensor3(n) for n in ("T", "Q_sqrt", "R_sqrt", "P0", "B"))
    b0, z0 = pt.matrix("b0"), pt.matrix("z0")
    z_eta, z_eps = pt.tensor3("z_eta"), pt.tensor3("z_eps")
    P0_sqrt = pt.tensor3("P0_sqrt")
    params = Params(T, Q_sqrt @ Q_sqrt.mT, R_sqrt @ R_sqrt.mT, b0, P0, B)
    paths, filt, smooth = sample_paths_graph(y, H, params, z0, z_eta, z_eps,
                                             (P0_sqrt, Q_sqrt, R_sqrt), u, scalar_obs=True,
                                             return_all=True)
    diag = lambda P: pt.diagonal(P, axis1=-2, axis2=-1)  # noqa: E731
    outputs = [filt.loglik_t, paths, filt.beta_filt, diag(filt.P_filt), smooth.beta_smooth,
               diag(smooth.P_smooth)]
    inputs = [y, H, u, T, Q_sqrt, R_sqrt, b0, P0, B, z0, z_eta, z_eps, P0_sqrt]
    mode = Mode(linker="py", optimizer="fast_compile")  # small inputs: compile in seconds
    return pytensor.function(inputs, outputs, mode=mode)


def propagate_reference(y, H, T, Q_sqrt, r_sqrt, b0, P0, P0_sqrt, c, z0, z_eta, z_eps):
    """Same arguments and outputs as :func:`bayes_beta.kalman.propagate.propagate_draws`
    (``T`` (S, K, K) or its diagonal (S, K), ``r_sqrt`` (S, 1)), through the scan graphs."""
    _S, K = b0.shape
    n = len(y)
    if T.ndim == 2:
        T = T[:, :, None] * np.eye(K)
    out = _compiled()(y[:, None], H[:, None, :], np.ones((n, 1)), T, Q_sqrt,
                      r_sqrt[:, :1, None], b0, P0, c[:, :, None], z0, z_eta, z_eps[:, :, None],
                      P0_sqrt)
    return [np.asarray(x) for x in out]
