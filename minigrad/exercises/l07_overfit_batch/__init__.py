ID = "overfit-batch"
TITLE = "Debugging (3/3): overfit one tiny batch, the first sanity check"
HINTS = (
    "overfit_one_batch: opt = optim.Adam(model.parameters(), lr=lr) once, before the loop; "
    "each step: opt.zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); "
    "opt.step(); keep loss.item().",
    "A network with thousands of weights can memorise 8 examples: a healthy one drives the "
    "loss to almost 0. One that cannot has a bug between its input and its loss.",
    "overfits: train with overfit_one_batch and look at the LAST loss: below `target`? A "
    "loss that merely went down (2.3 -> 1.5) is what a broken network does too.",
)
