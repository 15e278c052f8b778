"""`minigrad.utils.data`, the place PyTorch programs import datasets and loaders from:

    from minigrad.utils.data import DataLoader, TensorDataset, random_split

The one implementation is `minigrad/data.py` (`mg.data`); this package only names it the
way `torch.utils.data` does.
"""

from ...data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    random_split,
)
from . import sampler

__all__ = [
    "Dataset",
    "TensorDataset",
    "Subset",
    "random_split",
    "DataLoader",
    "default_collate",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "BatchSampler",
    "sampler",
]
