"""Exercise saliency-by-hand (lesson 11): compute a saliency map yourself with mg.grad.

Which pixels, changed a little, would change the network's score for a class the most?
The gradient of that score with respect to the input answers (Simonyan, Vedaldi and
Zisserman, 2013):

    saliency[n, h, w] = max over channels c of | d score[n, target[n]] / d x[n, c, h, w] |

model: a network returning class scores (N, K) (logits: before any softmax); x: images
(N, C, H, W), a float32 numpy array; target: (N,) ints, the class asked for each image.
Compute it in eval mode (batch norm's running statistics: one image's map must not depend
on the rest of the batch), with mg.grad (which fills no parameter's .grad). Return a
numpy array (N, H, W). The checker compares with mg.viz.saliency on a small CNN.
"""

import numpy as np

import minigrad as mg


def saliency(model, x, target):
    # BEGIN SOLUTION
    model.eval()
    xt = mg.tensor(x, dtype=x.dtype, requires_grad=True)  # a leaf of our own: x is untouched
    scores = model(xt)  # (N, K) logits: the probability would mix in every other class
    picked = scores[np.arange(len(x)), np.asarray(target)].sum()  # each image's own score
    (grad,) = mg.grad(picked, [xt])
    return np.abs(grad.numpy()).max(axis=1)  # its size, whatever its sign; largest channel
    # END SOLUTION
