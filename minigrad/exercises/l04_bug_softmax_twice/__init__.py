ID = "bug-softmax-twice"
TITLE = "Find the bug: a classifier that trains badly"
HINTS = (
    "Look at what the model outputs, and at what F.cross_entropy expects as its input.",
    "F.cross_entropy takes raw scores (logits) and applies log_softmax itself.",
    "With nn.Softmax at the end, softmax is applied twice: the loss sees "
    "log_softmax(softmax(z)), which is nearly flat. Remove the layer from the model and "
    "apply softmax only in predict_proba.",
)
