"""Exercise mlp-params (lesson 2): how many numbers does an MLP learn?

sizes lists the width of every layer, input first: [2, 16, 16, 1] is an MLP with two
inputs, two hidden layers of 16 neurons and one output. Every neuron has one weight per
input and one bias. Return the total number of parameters.
"""


def mlp_param_count(sizes: list) -> int:
    # BEGIN SOLUTION
    total = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        total += n_in * n_out + n_out  # a weight per (input, neuron) pair, a bias per neuron
    return total
    # END SOLUTION
