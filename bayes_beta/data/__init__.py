"""The data layer: validated frames, weekly aggregation, the regression design, shipped data.

Pure pandas/NumPy: nothing here imports pytensor, PyMC or matplotlib, and no function modifies
its input.
"""

from bayes_beta.data import datasets
from bayes_beta.data.design import ALPHA, INITIAL_RULES, Design, check_factors, make_design
from bayes_beta.data.frames import WEEK_FREQ, aggregate_weekly, validate_frame, weekly_excess
from bayes_beta.data.regression import OLS, complete_rows, ols, steps_per_year

__all__ = [
    "ALPHA",
    "INITIAL_RULES",
    "OLS",
    "WEEK_FREQ",
    "Design",
    "aggregate_weekly",
    "check_factors",
    "complete_rows",
    "datasets",
    "make_design",
    "ols",
    "steps_per_year",
    "validate_frame",
    "weekly_excess",
]
