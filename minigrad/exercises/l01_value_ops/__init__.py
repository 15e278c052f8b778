ID = "value-ops"
TITLE = "Build Value yourself (1/3): the operations and their local derivatives"
HINTS = (
    "Each operation returns a NEW Value: its data is the result, its _parents the operands "
    "(a tuple, in order), its _local the derivative of the result with respect to each "
    "operand, at the operands' current values.",
    "For a + b both local derivatives are 1; for a * b they are (b, a): each factor's "
    "derivative is the other factor. Wrap a plain number first: Value(2.0).",
    "x**k: k * x**(k-1). tanh: 1 - t**2 with t = tanh(x) (the output). relu: 1 where x > 0, "
    "else 0. exp: exp(x), the output itself.",
)
