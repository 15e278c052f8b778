ID = "batchnorm-backward"
TITLE = "Batch norm's closed-form backward vs the derived one"
HINTS = (
    "dbeta = sum of dout over the batch; dgamma = sum of dout * x_hat over the batch.",
    "If mean and var were constants, dx would be dout * gamma / sqrt(var + eps). They are "
    "not: every x[i] moves the mean and the variance, which moves every y.",
    "With dx_hat = dout * gamma: dx = (1 / (n * std)) * (n * dx_hat - sum(dx_hat) - "
    "x_hat * sum(dx_hat * x_hat)), sums over the batch axis.",
)
