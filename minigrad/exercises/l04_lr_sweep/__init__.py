ID = "lr-sweep"
TITLE = "Debugging (2/3): a learning-rate sweep that finds where training diverges"
HINTS = (
    "train_loss: model = make_model() first (a fresh model for every learning rate), then "
    "`steps` times: loss = F.mse_loss(model(x), y); model.zero_grad(); loss.backward(); "
    "under mg.no_grad(), p -= lr * p.grad for every parameter. Return the loss after the "
    "last step (compute it once more).",
    "lr_sweep is train_loss for each lr in turn. divergence_point walks the learning rates "
    "in order and returns the first whose final loss is above the initial loss.",
    "A blown-up run can end in nan, and nan > anything is False: test math.isfinite(loss) "
    "as well, or a run that exploded counts as a success.",
)
