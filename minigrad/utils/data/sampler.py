"""`minigrad.utils.data.sampler`, as `torch.utils.data.sampler` (the samplers of mg.data)."""

from ...data import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "BatchSampler"]
