ID = "log-softmax"
TITLE = "A numerically stable log-softmax from Tensor operations"
HINTS = (
    "log(sum(exp(x))) = m + log(sum(exp(x - m))) for any constant m.",
    "Take m = x.amax(dim, keepdim=True): then every exp(x - m) is at most 1, no overflow.",
    "keepdim=True keeps the reduced axis (size 1), so the result broadcasts back against "
    "x along the right axis.",
)
