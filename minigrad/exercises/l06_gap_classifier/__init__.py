ID = "gap-classifier"
TITLE = "Global average pooling instead of a big classifier: count the savings"
HINTS = (
    "A fully connected layer from F inputs to K outputs has F*K weights and K biases.",
    "Flattening keeps every pixel: F = channels * size * size. Global average pooling "
    "keeps one number per channel: F = channels.",
)
