ID = "linear-backward"
TITLE = "The backward of y = x @ W + b, in numpy"
HINTS = (
    "Let the shapes guide you: dx must be (N, D), and the only way to get it from dy "
    "(N, M) and W (D, M) is dy @ W.T.",
    "dW must be (D, M): x.T @ dy.",
    "b was added to every one of the N rows (broadcasting), so each row's gradient "
    "reaches b: sum dy over the batch axis.",
)
