ID = "value-mlp"
TITLE = "Build Value yourself (3/3): lesson 2's MLP on your Value, trained"
HINTS = (
    "A Neuron sums w[i] * x[i] onto its bias, then applies relu() unless it is in the last "
    "layer; a Layer is a list of Neurons fed the same x; an MLP feeds each layer's output "
    "list to the next and returns the single output of the last.",
    "hinge_loss: relu(1 - y * model(x)) for every point, added up as Values, times 1 / N: "
    "a Value, so that loss.backward() reaches every weight.",
    "train: for each step compute the loss, set every p.grad = 0.0, loss.backward(), then "
    "p.data -= lr * p.grad; append loss.data (a float) to the list you return.",
)
