"""Custom autograd Functions, PyTorch's way: static forward(ctx, ...) and backward(ctx, ...),
ctx.save_for_backward, ctx.saved_tensors, ctx.needs_input_grad, mark_non_differentiable."""

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(7)


class Swish(torch.autograd.Function):
    """x * sigmoid(beta * x), with its derivative written by hand."""

    @staticmethod
    def forward(ctx, x, beta):
        s = torch.sigmoid(beta * x)
        ctx.save_for_backward(x, s)
        ctx.beta = beta
        return x * s

    @staticmethod
    def backward(ctx, grad_output):
        x, s = ctx.saved_tensors
        print("needs_input_grad", ctx.needs_input_grad)
        return grad_output * (s + ctx.beta * x * s * (1 - s)), None


class ArgmaxAndScale(torch.autograd.Function):
    """Two outputs: the scaled input (differentiable) and the index of its maximum (not)."""

    @staticmethod
    def forward(ctx, x, scale):
        idx = x.argmax(dim=1)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x, scale)
        return x * scale, idx

    @staticmethod
    def backward(ctx, grad_y, grad_idx):
        x, scale = ctx.saved_tensors
        return grad_y * scale, (grad_y * x).sum(0)


x = torch.tensor(rng.normal(size=(4, 3)), dtype=torch.float32, requires_grad=True)
y = Swish.apply(x, 1.5)
print(y)
print(y.grad_fn.name(), [type(f).__name__ for f, _ in y.grad_fn.next_functions])
y.sum().backward()
print("x.grad", x.grad)

# the gradient agrees with the one autograd derives from the same formula
x2 = x.detach().requires_grad_()
(x2 * torch.sigmoid(1.5 * x2)).sum().backward()
print("same as autograd:", torch.allclose(x.grad, x2.grad, atol=1e-6))

scale = torch.tensor([2.0, -1.0, 0.5], requires_grad=True)
out, idx = ArgmaxAndScale.apply(x, scale)
print(idx, idx.requires_grad, out.requires_grad)
out.pow(2).sum().backward()
print("scale.grad", scale.grad)

# inside a small training loop
w = torch.tensor(rng.normal(size=(3, 2)), dtype=torch.float32, requires_grad=True)
labels = torch.tensor([0, 1, 1, 0])
opt = torch.optim.SGD([w], lr=0.5)
for step in range(5):
    loss = F.cross_entropy(Swish.apply(x.detach() @ w, 1.0), labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step}: loss {loss.item():.5f}")

with torch.no_grad():
    z = Swish.apply(x, 1.5)
print("under no_grad:", z.requires_grad)
