ID = "inception-params"
TITLE = "Count a GoogLeNet Inception block from its row of the table"
HINTS = (
    "A k x k convolution from a to b channels has k*k*a*b weights and b biases. Add up "
    "six convolutions: one in branch 1, two in branches 2 and 3, one in branch 4.",
    "The 3x3 convolution reads the n3x3red reduced maps, not the in_channels input maps "
    "(that is what the reduction is for); likewise the 5x5 reads n5x5red maps.",
    "The output concatenates what the four branches END with; the reductions are "
    "internal to their branches, and the pool branch ends with its pool_proj maps.",
)
