"""The package version (also written into every saved fit)."""

__version__ = "0.2.0"
