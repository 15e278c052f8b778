ID = "adam-step"
TITLE = "One Adam update in numpy, bias correction included"
HINTS = (
    "m and v start at zero, so at t = 1 they are (1 - beta) times too small: the bias "
    "corrections divide by (1 - beta**t).",
    "eps goes outside the square root: sqrt(v_hat) + eps.",
    "Return m and v themselves (not m_hat, v_hat): the next step updates them again.",
)
