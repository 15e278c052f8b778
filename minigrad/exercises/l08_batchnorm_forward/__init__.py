ID = "batchnorm-forward"
TITLE = "Batch norm forward: train and eval mode, running statistics"
HINTS = (
    "Statistics per channel: for (N, C, H, W) average over axes (0, 2, 3), and reshape "
    "(C,) vectors to (1, C, 1, 1) to broadcast them back.",
    "Normalise with the biased variance (x.var()), but feed the running variance the "
    "unbiased one, var * n / (n - 1), as PyTorch does.",
    "Update the running arrays in place (running_mean *= ..., += ...): assigning "
    "running_mean = ... only rebinds a local name. In eval mode use them and update "
    "nothing.",
)
