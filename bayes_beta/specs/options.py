"""Model choices that are not data and not priors: the exposure dynamics and the likelihood.

    dynamics   "random_walk"      T = I
               "mean_reverting"   beta_t - mu = diag(phi) (beta_(t-1) - mu) + eta_t
    likelihood "fused"            the numba Op with its hand-derived gradient (default)
               "scan"             the pytensor scan graph (the reference; slow to compile)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bayes_beta.errors import SpecError

__all__ = ["DYNAMICS", "LIKELIHOODS", "ModelOptions"]

DYNAMICS = ("random_walk", "mean_reverting")
LIKELIHOODS = ("fused", "scan")


@dataclass(frozen=True)
class ModelOptions:
    """How the model is built from a design and a prior variant (validated on construction)."""

    dynamics: str = "random_walk"
    likelihood: str = "fused"

    def __post_init__(self) -> None:
        if self.dynamics not in DYNAMICS:
            raise SpecError(f"dynamics must be one of {DYNAMICS}; got {self.dynamics!r}.")
        if self.likelihood not in LIKELIHOODS:
            raise SpecError(f"likelihood must be one of {LIKELIHOODS}; got {self.likelihood!r}.")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ModelOptions:
        return cls(**d)
