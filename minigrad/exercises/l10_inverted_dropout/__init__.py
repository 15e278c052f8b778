ID = "inverted-dropout"
TITLE = "Inverted dropout in numpy: train and eval mode, expected value kept"
HINTS = (
    "Training: x * mask zeroes the dropped values. A value is kept with probability "
    "1 - p, so on average x * mask is (1 - p) * x: divide by (1 - p) to undo that.",
    "Evaluation: return x unchanged. Inverted dropout does its scaling while training, "
    "so that at test time there is nothing to do (no mask, no scaling).",
    "x *= ... would change the caller's array: compute a new one (x * mask / (1 - p)).",
)
