"""Error and warning classes of bayes_beta.

Every problem with user input raises a subclass of :class:`BayesBetaError`. Messages name the
offending matrix, column or row and say how to fix it. The classes also derive from the matching
built-in (``ValueError``, ``KeyError``) so generic ``except ValueError`` code keeps working.
"""

from __future__ import annotations


class BayesBetaError(Exception):
    """Base class of every error raised by bayes_beta."""


class SpecError(BayesBetaError, ValueError):
    """A state-space specification (matrix shape, symmetry, definiteness) is invalid."""


class DataError(BayesBetaError, ValueError):
    """Input data (arrays, DataFrames, dates, columns) is invalid or unusable."""


class ArgumentError(BayesBetaError, ValueError):
    """A function argument is of the wrong type or outside its allowed range."""


class ColumnError(DataError, KeyError):
    """A requested column does not exist in the data."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class NumericalError(BayesBetaError, ArithmeticError):
    """The recursions cannot go on: a zero innovation variance or covariances out of range."""


class SamplingWarning(UserWarning):
    """The sampler finished but its diagnostics (divergences, r_hat, ESS, BFMI) need attention."""
