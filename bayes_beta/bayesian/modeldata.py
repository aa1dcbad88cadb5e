"""Model data of a PyMC model: arrays the compiled model reads by name, swapped per fit."""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt

__all__ = ["add_data"]


def add_data(name: str, value) -> pt.TensorVariable:
    """Model data ``name`` holding ``value`` as a float array (NaN kept as NaN: ``pm.Data``
    would turn an array with NaN into a masked array, which the kernels cannot take)."""
    var = pytensor.shared(np.array(value, dtype=np.float64), name=name)
    pm.modelcontext(None).register_data_var(var)
    return var
