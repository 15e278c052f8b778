ID = "bug-eval-mode"
TITLE = "Find the bug: an evaluation that changes the model"
HINTS = (
    "Which layers behave differently while training and while evaluating?",
    "In training mode batch norm normalises with (and updates the running averages "
    "from) the current batch, and dropout zeroes activations at random.",
    "Call model.eval() before predicting, and put the model back into training mode "
    "afterwards (model.train(was_training)).",
)
