"""`minigrad.utils`: where PyTorch users look for `utils.data` (datasets and loaders)."""

from . import data

__all__ = ["data"]
