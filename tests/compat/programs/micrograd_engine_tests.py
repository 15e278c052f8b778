"""micrograd's engine tests, in their style: a scalar Value engine checked against the tensor
library (here the engine is minigrad's Value in both runs; the reference is `torch`)."""

import torch

from minigrad import Value


def test_sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y

    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y

    assert ymg.data == ypt.data.item()
    assert xmg.grad == xpt.grad.item()
    print("sanity", ypt.data.item(), xpt.grad.item())


def test_more_ops():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    assert abs(gmg.data - gpt.data.item()) < tol
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol
    print("more ops", f"{gpt.data.item():.6f}", f"{apt.grad.item():.6f}", f"{bpt.grad.item():.6f}")


def test_neuron():
    """One tanh neuron, its gradients from the Value engine and from the tensor library."""
    x1, x2, w1, w2, b = (Value(v) for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432))
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    ts = [torch.tensor([v], dtype=torch.double) for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)]
    for t in ts:
        t.requires_grad = True
    tx1, tx2, tw1, tw2, tb = ts
    to = torch.tanh(tx1 * tw1 + tx2 * tw2 + tb)
    to.backward()
    for v, t in zip((x1, x2, w1, w2, b), ts):
        assert abs(v.grad - t.grad.item()) < 1e-12
    print("neuron", f"{to.data.item():.10f}", [round(t.grad.item(), 10) for t in ts])


test_sanity_check()
test_more_ops()
test_neuron()
print(
    torch.Tensor([-4.0]).dtype == torch.float32,
    torch.Tensor([-4.0]).double().dtype == torch.float64,
)
