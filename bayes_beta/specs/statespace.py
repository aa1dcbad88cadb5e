"""The state-space specification: a frozen, validated container of the model matrices.

Model (notation of the seed notebook and ``DESIGN.md``)::

    beta_t = T beta_{t-1} + B u_t + eta_t,    eta_t ~ N(0, Q)      state, K exposures
    y_t    = H_t beta_t + d + eps_t,          eps_t ~ N(0, R)      observation, m values
    beta_0 ~ N(b0, P0)                                             state before the first observation

``H_t`` and ``u_t`` are data (passed to the filter), everything else lives in :class:`StateSpace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bayes_beta.errors import SpecError
from bayes_beta.linalg import check_psd, psd_factor

__all__ = ["StateSpace", "check_psd", "psd_factor"]

def _as_matrix(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)  # a copy: the caller's array is never shared
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{name} must be numeric; got {type(value).__name__} ({exc}).") from exc
    if arr.shape != shape:
        raise SpecError(f"{name} must have shape {shape}; got {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise SpecError(
            f"{name} has a non-finite entry at {bad}: {arr[bad]!r}. Use finite numbers."
        )
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class StateSpace:
    r"""Matrices of a linear Gaussian state-space model, validated on construction.

    The model (``H_t`` and ``u_t`` are data, passed to the filter; everything else lives here):

    .. math::

        \beta_t &= T \beta_{t-1} + B u_t + \eta_t, \qquad \eta_t \sim N(0, Q), \\
        y_t &= H_t \beta_t + d + \varepsilon_t, \qquad \varepsilon_t \sim N(0, R), \\
        \beta_0 &\sim N(b_0, P_0),

    with :math:`K` exposures in the state :math:`\beta_t`, :math:`m` values in the observation
    :math:`y_t`, and :math:`\beta_0` the state before the first observation.

    All arrays are copied and made read-only: a spec never shares memory with its inputs. Two
    specs are equal when all their matrices are equal; specs are not hashable.

    Parameters
    ----------
    T : array_like
        (K, K) transition matrix (a scalar is read as ``[[T]]``).
    Q : array_like
        (K, K) state-noise covariance, symmetric positive semi-definite.
    R : array_like
        (m, m) observation-noise covariance, symmetric positive semi-definite (a scalar is read
        as ``[[R]]``).
    b0 : array_like
        (K,) mean of :math:`\beta_0`, the state before the first observation.
    P0 : array_like
        (K, K) covariance of :math:`\beta_0`, symmetric positive semi-definite. A large ``P0``
        approximates a diffuse start.
    B : array_like, optional
        (K, p) control-input matrix (default: no control input).
    d : array_like, optional
        (m,) observation offset (default: zeros).

    Attributes
    ----------
    K : int
        Number of states (exposures).
    m : int
        Number of observations per step.

    Raises
    ------
    bayes_beta.SpecError
        When a matrix has the wrong shape or a non-finite entry, or ``Q``, ``R`` or ``P0`` is not
        symmetric positive semi-definite (the message names the matrix and the fix).

    See Also
    --------
    bayes_beta.StateSpace.random_walk : Random-walk exposures, ``T = I``.
    bayes_beta.kalman_filter : Filters data under a spec.

    Examples
    --------
    Two mean-reverting exposures and one observation per step:

    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> spec = bb.StateSpace(T=0.9 * np.eye(2), Q=np.diag([1e-4, 1e-5]), R=2e-4,
    ...                      b0=[0.5, 0.0], P0=np.eye(2))
    >>> spec.K, spec.m, spec.R.shape, spec.d.tolist(), spec.B is None
    (2, 1, (1, 1), [0.0], True)
    >>> spec.Q.flags.writeable
    False
    >>> bb.StateSpace(T=np.eye(2), Q=[[1.0, 2.0], [0.0, 1.0]], R=1.0, b0=[0, 0], P0=np.eye(2))
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: Q must be symmetric: Q[0,1] = 2 but Q[1,0] = 0. Use (Q + Q.T) / 2.
    """

    T: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    b0: np.ndarray
    P0: np.ndarray
    B: np.ndarray | None = None
    d: np.ndarray | None = None
    K: int = field(init=False)
    m: int = field(init=False)

    def __post_init__(self) -> None:
        T = np.asarray(self.T) if not np.isscalar(self.T) else np.array([[self.T]])
        if T.ndim != 2 or T.shape[0] != T.shape[1] or T.shape[0] == 0:
            raise SpecError(f"T must be a square (K, K) matrix with K >= 1; got shape {T.shape}.")
        K = T.shape[0]
        R = np.asarray(self.R, dtype=float)
        if R.ndim == 0:
            R = R.reshape(1, 1)
        if R.ndim != 2 or R.shape[0] != R.shape[1] or R.shape[0] == 0:
            raise SpecError(f"R must be a square (m, m) matrix with m >= 1; got shape {R.shape}.")
        m = R.shape[0]
        values = {
            "T": _as_matrix("T", T, (K, K)),
            "Q": _as_matrix("Q", self.Q, (K, K)),
            "R": _as_matrix("R", R, (m, m)),
            "b0": _as_matrix("b0", self.b0, (K,)),
            "P0": _as_matrix("P0", self.P0, (K, K)),
        }
        for name in ("Q", "R", "P0"):
            check_psd(name, values[name])
        if self.B is not None:
            B = np.asarray(self.B, dtype=float)
            if B.ndim != 2 or B.shape[0] != K:
                raise SpecError(f"B must have shape (K, p) = ({K}, p); got {B.shape}.")
            values["B"] = _as_matrix("B", B, B.shape)
        values["d"] = _as_matrix("d", np.zeros(m) if self.d is None else self.d, (m,))
        for name, value in values.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "K", K)
        object.__setattr__(self, "m", m)

    @classmethod
    def random_walk(
        cls,
        Q,
        R,
        b0=None,
        P0=None,
        *,
        B=None,
        d=None,
    ) -> StateSpace:
        r"""Random-walk exposures, ``T = I``; ``b0`` defaults to zeros and ``P0`` to ``I``.

        The state equation becomes :math:`\beta_t = \beta_{t-1} + B u_t + \eta_t`.

        Parameters
        ----------
        Q : array_like
            (K, K) state-noise covariance, symmetric positive semi-definite (use ``np.diag(q)`` for
            independent variances ``q``).
        R : array_like
            (m, m) observation-noise covariance, or a scalar for ``m = 1``.
        b0 : array_like, optional
            (K,) mean of :math:`\beta_0`; default zeros.
        P0 : array_like, optional
            (K, K) covariance of :math:`\beta_0`; default the identity.
        B : array_like, optional
            (K, p) control-input matrix.
        d : array_like, optional
            (m,) observation offset; default zeros.

        Returns
        -------
        StateSpace
            The validated spec.

        Raises
        ------
        bayes_beta.SpecError
            When ``Q`` is not a matrix, or any matrix is invalid (see
            :class:`bayes_beta.StateSpace`).

        Examples
        --------
        >>> import numpy as np
        >>> import bayes_beta as bb
        >>> spec = bb.StateSpace.random_walk(Q=np.diag([1e-4, 1e-5]), R=2e-4)
        >>> spec.T.tolist(), spec.b0.tolist(), spec.P0.tolist()
        ([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]])
        >>> bb.StateSpace.random_walk(Q=[1e-4, 1e-5], R=2e-4)
        Traceback (most recent call last):
        ...
        bayes_beta.errors.SpecError: Q must be a (K, K) matrix; got shape (2,). Use np.diag(q).
        """
        Q = np.asarray(Q, dtype=float)
        if Q.ndim != 2:
            raise SpecError(f"Q must be a (K, K) matrix; got shape {Q.shape}. Use np.diag(q).")
        K = Q.shape[0]
        b0 = np.zeros(K) if b0 is None else b0
        P0 = np.eye(K) if P0 is None else P0
        return cls(T=np.eye(K), Q=Q, R=R, b0=b0, P0=P0, B=B, d=d)

    def replace(self, **changes) -> StateSpace:
        """A new, validated spec with some matrices replaced.

        Parameters
        ----------
        **changes
            New values of ``T``, ``Q``, ``R``, ``b0``, ``P0``, ``B`` or ``d``; the others are kept.

        Returns
        -------
        StateSpace
            The new spec (this one is unchanged).

        Raises
        ------
        bayes_beta.SpecError
            When the new matrices are invalid.

        Examples
        --------
        >>> import numpy as np
        >>> import bayes_beta as bb
        >>> spec = bb.StateSpace.random_walk(Q=np.diag([1e-4, 1e-5]), R=2e-4)
        >>> spec.replace(R=1e-4).R.tolist(), spec.R.tolist()
        ([[0.0001]], [[0.0002]])
        >>> spec.replace(R=spec.R) == spec
        True
        """
        fields = {"T": self.T, "Q": self.Q, "R": self.R, "b0": self.b0, "P0": self.P0}
        fields.update(B=self.B, d=self.d)
        fields.update(changes)
        return StateSpace(**fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StateSpace):
            return NotImplemented
        names = ("T", "Q", "R", "b0", "P0", "d")
        same = all(np.array_equal(getattr(self, n), getattr(other, n)) for n in names)
        if (self.B is None) != (other.B is None):
            return False
        return same and (self.B is None or np.array_equal(self.B, other.B))

    __hash__ = None  # type: ignore[assignment]
