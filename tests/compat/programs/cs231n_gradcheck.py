"""A CS231n-style gradient check in float64: numpy data in, centered differences against
the gradients autograd computes. (torch.tensor keeps numpy's float64, so the check is
done in double precision, where a relative error below 1e-7 is expected.)"""

import numpy as np
import torch
import torch.nn.functional as F

np.random.seed(231)


def rel_error(x, y):
    """returns relative error"""
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Evaluate a numeric gradient for a function that accepts a numpy array and returns a
    numpy array."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        pos = f(x).copy()
        x[ix] = oldval - h
        neg = f(x).copy()
        x[ix] = oldval
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


x_np = np.random.randn(3, 2, 5, 5)
w_np = np.random.randn(4, 2, 3, 3)
b_np = np.random.randn(4)
dout_np = np.random.randn(3, 4, 2, 2)


def layer(x, w, b):
    """conv - relu - 2x2 max pool, the 'three-layer convnet' building block."""
    return F.max_pool2d(F.relu(F.conv2d(x, w, b, padding=1)), kernel_size=2, stride=2)


x = torch.tensor(x_np, requires_grad=True)
w = torch.tensor(w_np, requires_grad=True)
b = torch.tensor(b_np, requires_grad=True)
print(x.dtype == torch.float64, w.dtype == torch.float64)
out = layer(x, w, b)
print(out.shape, out.dtype == torch.float64)
out.backward(torch.tensor(dout_np))

forward = lambda xv, wv, bv: (
    layer(torch.tensor(xv), torch.tensor(wv), torch.tensor(bv)).detach().numpy()
)
dx_num = eval_numerical_gradient_array(lambda v: forward(v, w_np, b_np), x_np, dout_np)
dw_num = eval_numerical_gradient_array(lambda v: forward(x_np, v, b_np), w_np, dout_np)
db_num = eval_numerical_gradient_array(lambda v: forward(x_np, w_np, v), b_np, dout_np)
for name, num, ana in (("dx", dx_num, x.grad), ("dw", dw_num, w.grad), ("db", db_num, b.grad)):
    err = rel_error(num, ana.numpy())
    print(f"{name} error below 1e-7:", err < 1e-7)
print("db", b.grad)
print("dw[0, 0]", w.grad[0, 0])

# softmax loss, float64 scores
scores = torch.tensor(np.random.randn(5, 4), requires_grad=True)
y = torch.tensor(np.random.randint(4, size=5))
loss = F.cross_entropy(scores, y)
loss.backward()
print(f"loss {loss.item():.10f}")
num = eval_numerical_gradient_array(
    lambda v: F.cross_entropy(torch.tensor(v), y).numpy(), scores.detach().numpy().copy(), 1.0
)
print("dscores error below 1e-7:", rel_error(num, scores.grad.numpy()) < 1e-7)
