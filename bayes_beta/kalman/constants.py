"""Numerical constants shared by the pytensor graphs and the numba kernels."""

import math

#: ``log(2 pi)``, the constant of the Gaussian log-density ``l_t``.
LOG_2PI = math.log(2.0 * math.pi)
