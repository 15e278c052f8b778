ID = "bug-zero-grad"
TITLE = "Find the bug: a CNN training loop whose loss misbehaves"
HINTS = (
    "What does loss.backward() do to a parameter's .grad that already holds a value?",
    "Gradients accumulate (they are added), so that a parameter used twice gets both "
    "contributions. Between two steps, something must clear them.",
    "Call opt.zero_grad() at the start of every step (before backward, not between "
    "backward and step).",
)
