"""Realistic wrong answers to bug-eval-mode, each with the words its diagnostic must contain."""

import minigrad as mg

from ..exercise import mistake, unfixed

as_given = unfixed("eval mode forgotten")


@mistake("evaluate", hint="left the model in eval mode")
def training_mode_not_restored(model, x, y):
    model.eval()
    with mg.no_grad():
        pred = model(x).argmax(dim=1)
    return float((pred.numpy() == y.numpy()).mean())
