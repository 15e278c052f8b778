ID = "softmax-cross-entropy"
TITLE = "Softmax cross-entropy as one Function: (softmax - onehot) / N"
HINTS = (
    "forward: subtract each row's max from the logits before exp; then "
    "log_p = shifted - log(sum(exp(shifted))), and pick log_p[arange(N), target].",
    "The loss is a MEAN over the batch, so its gradient carries a 1/N.",
    "backward: grad * (x.softmax(dim=1) - onehot) / N, with x = self.inputs[0] and the "
    "one-hot target as a constant tensor.",
)
