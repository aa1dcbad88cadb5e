"""Error and warning classes of bayes_beta.

Every problem with user input raises a subclass of :class:`BayesBetaError`. Messages name the
offending matrix, column or row and say how to fix it. The classes also derive from the matching
built-in (``ValueError``, ``KeyError``) so generic ``except ValueError`` code keeps working.
"""

from __future__ import annotations


class BayesBetaError(Exception):
    """Base class of every error raised by bayes_beta.

    Every problem with user input raises a subclass of this class, with a message that names
    the offending matrix, column or row and says how to fix it. Catch it to handle any
    bayes_beta error at once; the subclasses also derive from the matching built-in exception
    (``ValueError``, ``KeyError``, ``ArithmeticError``).

    See Also
    --------
    bayes_beta.SpecError : An invalid state-space specification, prior or model file.
    bayes_beta.DataError : Invalid or unusable input data.
    bayes_beta.ArgumentError : An argument of the wrong type or out of range.
    bayes_beta.ColumnError : A missing column (also a ``KeyError``).
    bayes_beta.NumericalError : Recursions that cannot go on.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> try:
    ...     bb.datasets.load_dataset("industry")
    ... except bb.BayesBetaError as err:
    ...     print(type(err).__name__, "|", err)
    DataError | unknown dataset 'industry'. Did you mean 'industries'? Valid names: ...
    >>> all(issubclass(e, bb.BayesBetaError)
    ...     for e in (bb.SpecError, bb.DataError, bb.ArgumentError, bb.ColumnError,
    ...               bb.NumericalError))
    True
    """


class SpecError(BayesBetaError, ValueError):
    """A state-space specification (matrix shape, symmetry, definiteness) is invalid.

    Raised when a :class:`bayes_beta.StateSpace` is built from matrices of the wrong shape, with
    non-finite entries, or with a covariance (``Q``, ``R``, ``P0``) that is not symmetric
    positive semi-definite; also for invalid prior variants, model options and model files.
    It is a ``ValueError`` too.

    See Also
    --------
    bayes_beta.StateSpace : The validated model matrices.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> bb.StateSpace.random_walk(Q=[[-1.0]], R=1.0)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.SpecError: Q must be positive semi-definite; its smallest eigenvalue ...
    >>> issubclass(bb.SpecError, ValueError)
    True
    """


class DataError(BayesBetaError, ValueError):
    """Input data (arrays, DataFrames, dates, columns) is invalid or unusable.

    Raised, for example, for a frame without a ``DatetimeIndex``, unsorted or duplicate dates,
    non-numeric or infinite values, too few rows, or arrays whose shapes do not match the
    model. It is a ``ValueError`` too.

    See Also
    --------
    bayes_beta.validate_frame : The checks of a time-indexed DataFrame.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> bb.validate_frame(df.reset_index())
    Traceback (most recent call last):
    ...
    bayes_beta.errors.DataError: data must have a DatetimeIndex, got RangeIndex ...
    >>> issubclass(bb.DataError, ValueError)
    True
    """


class ArgumentError(BayesBetaError, ValueError):
    """A function argument is of the wrong type or outside its allowed range.

    For example a number of draws that is not a positive integer, or a seed that is neither
    ``None``, a non-negative integer nor a ``numpy.random.Generator``. It is a ``ValueError``
    too.

    Examples
    --------
    >>> import numpy as np
    >>> import bayes_beta as bb
    >>> spec = bb.StateSpace.random_walk(Q=[[0.01]], R=1.0)
    >>> bb.simulate(spec, np.ones((5, 1)), seed=-1)
    Traceback (most recent call last):
    ...
    bayes_beta.errors.ArgumentError: seed must be None, a non-negative integer or ...
    >>> issubclass(bb.ArgumentError, ValueError)
    True
    """


class ColumnError(DataError, KeyError):
    """A requested column does not exist in the data.

    A :class:`DataError` that is also a ``KeyError``, so both ``except KeyError`` and
    ``except bb.DataError`` catch it. The message lists close matches and the available
    columns; unlike a plain ``KeyError``, ``str(err)`` is the message itself, not its quoted
    repr.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> df = bb.datasets.load_example()
    >>> try:
    ...     bb.validate_frame(df, columns=["Mkt"])
    ... except KeyError as err:
    ...     print(type(err).__name__, "|", err)
    ColumnError | data has no column 'Mkt'. Close matches for 'Mkt': 'Mkt-RF'. Available
    columns: Util, Mkt-RF, d10y.
    >>> issubclass(bb.ColumnError, bb.DataError), issubclass(bb.ColumnError, KeyError)
    (True, True)
    """

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class NumericalError(BayesBetaError, ArithmeticError):
    """The recursions cannot go on: a zero innovation variance or covariances out of range.

    Raised by the Kalman filter and smoother (:func:`bayes_beta.kalman_filter`,
    :func:`bayes_beta.kalman_smoother`) at the first step where the innovation variance
    :math:`S_t = H_t P_{t|t-1} H_t' + R` is not positive (an observation predicted exactly) or
    where a mean or covariance leaves floating point range, naming the step and the matrix:
    never a silent NaN. It is an ``ArithmeticError`` too.

    Examples
    --------
    >>> import bayes_beta as bb
    >>> issubclass(bb.NumericalError, ArithmeticError)
    True
    >>> try:
    ...     raise bb.NumericalError("P_pred is not finite at step 3")
    ... except ArithmeticError as err:
    ...     print(err)
    P_pred is not finite at step 3
    """


class SamplingWarning(UserWarning):
    """The sampler finished but its diagnostics (divergences, r_hat, ESS, BFMI) need attention.

    A warning, not an error: the fit is returned and the problems are kept with it. Use the
    standard ``warnings`` filters to silence it or to turn it into an error.

    Examples
    --------
    >>> import warnings
    >>> import bayes_beta as bb
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("r_hat of sigma_obs is 1.05", bb.SamplingWarning, stacklevel=1)
    >>> [w.category.__name__ for w in caught]
    ['SamplingWarning']
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", bb.SamplingWarning)  # make it an error
    ...     try:
    ...         warnings.warn("2 divergences", bb.SamplingWarning, stacklevel=1)
    ...     except bb.SamplingWarning as w:
    ...         print("caught:", w)
    caught: 2 divergences
    """
