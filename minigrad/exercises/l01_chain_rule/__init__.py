ID = "chain-rule"
TITLE = "The chain rule by hand (a variable used twice)"
HINTS = (
    "Name the pieces: f = g(u) + x with g(u) = u**2. Then df/du = 2u, and du/dx = y, "
    "du/dy = x, du/dz = 1.",
    "x reaches f along two paths: through u, and directly through '+ x'. The chain rule "
    "adds the contributions of all paths: df/dx = df/du * du/dx + 1.",
    "Numbers: u = 3 * (-2) + 0.5 = -5.5, so df/du = -11.",
)
