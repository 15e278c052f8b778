# %% [markdown]
# # Lesson 1: Derivatives and the scalar engine
#
# **The chain rule by hand, the same numbers from `mg.Value`, and why backward needs an order.**
#
# We work out a gradient by hand with the chain rule, let `mg.Value` compute the same
# numbers, draw the graph it built, and see why the backward pass must visit the graph in
# topological order.
#
# Run it as a script (`python lessons/01_derivatives.py`), through the command line
# (`minigrad lesson 1`), or as a notebook (`minigrad lesson 1 --notebook`).

# %%
import math

import minigrad as mg
from minigrad import lessons

out, quick = lessons.start(1)

# %% [markdown]
# ## 1. What a derivative says
#
# The derivative of `f` at `x` is how much `f` moves per unit of `x`, for a tiny move.
# You can measure it without any calculus: nudge `x` by a small `h` and divide.
# For `f(x) = x**2` at `x = 3` the rule says `2x = 6`, and the nudge agrees.


# %%
def f(x):
    return x**2


h = 1e-6
slope = (f(3.0 + h) - f(3.0 - h)) / (2 * h)  # a "central difference"
print(f"slope of x**2 at 3, measured: {slope:.6f}; by the rule 2x: {2 * 3.0}")
assert abs(slope - 6.0) < 1e-6

# %% [markdown]
# ## 2. The chain rule by hand
#
# A neural network is a long chain of small steps, so we need the derivative of a
# composition. Take
#
#     q = a * b        d = q + c        L = d ** 2
#
# with `a = 2`, `b = -3`, `c = 10`. Then `q = -6`, `d = 4`, `L = 16`.
#
# The chain rule says: the derivative of `L` with respect to something early in the chain
# is the product of the local derivatives along the way. Work backwards from `L`:
#
# - `dL/dd = 2d = 8` (the local derivative of squaring)
# - `d = q + c`, and `+` passes the gradient through unchanged: `dL/dq = dL/dc = 8`
# - `q = a * b`: the local derivative with respect to `a` is `b`, so `dL/da = 8 * b = -24`,
#   and with respect to `b` it is `a`, so `dL/db = 8 * a = 16`.

# %%
a_, b_, c_ = 2.0, -3.0, 10.0
q_ = a_ * b_
d_ = q_ + c_
L_ = d_**2
dL_dd = 2 * d_
dL_dq = dL_dd * 1.0
dL_dc = dL_dd * 1.0
dL_da = dL_dq * b_
dL_db = dL_dq * a_
print(f"L = {L_}; by hand: dL/da = {dL_da}, dL/db = {dL_db}, dL/dc = {dL_dc}")
assert (L_, dL_da, dL_db, dL_dc) == (16.0, -24.0, 16.0, 8.0)


# %% [markdown]
# Check the hand derivation the same way as before: nudge each input and watch `L`.


# %%
def L_of(a, b, c):
    return (a * b + c) ** 2


for name, by_hand, nudged in [
    ("a", dL_da, lambda e: L_of(a_ + e, b_, c_)),
    ("b", dL_db, lambda e: L_of(a_, b_ + e, c_)),
    ("c", dL_dc, lambda e: L_of(a_, b_, c_ + e)),
]:
    measured = (nudged(h) - nudged(-h)) / (2 * h)
    print(f"  dL/d{name}: by hand {by_hand:6.1f}, measured {measured:9.5f}")
    assert abs(measured - by_hand) < 1e-4

# %% [markdown]
# ## 3. The engine does the same
#
# `mg.Value` is a number that remembers how it was made. Each operation records its inputs
# and its *local* derivatives (for `q = a * b`: `b` and `a`). `L.backward()` then walks
# back from `L` and multiplies local derivatives along the way: exactly what we did by hand.

# %%
a = mg.Value(2.0, label="a")
b = mg.Value(-3.0, label="b")
c = mg.Value(10.0, label="c")
q = a * b
q.label = "q"
d = q + c
d.label = "d"
L = d**2
L.label = "L"
L.backward()
print(f"engine: L = {L.data}, dL/da = {a.grad}, dL/db = {b.grad}, dL/dc = {c.grad}")
assert (L.data, a.grad, b.grad, c.grad) == (L_, dL_da, dL_db, dL_dc)
assert (q.grad, d.grad) == (dL_dq, dL_dd)  # the engine keeps every intermediate gradient too

# %% [markdown]
# ## 4. The graph, with data and gradients
#
# `mg.viz.draw` turns the recorded graph into a picture. Each box is a Value: its name,
# its `data` (computed going forward, left to right) and its `grad` (computed going
# backward, right to left). The round nodes are the operations. Check the grads in the
# picture against the hand derivation above.

# %%
lessons.save_graph(mg.viz.draw(L), out / "chain_rule.png")

# %% [markdown]
# ## 5. A value used twice: gradients add up
#
# Now take `b = a + a` and `c = b + b`. Then `c = 4a`, so `dc/da = 4`.
#
# Follow the gradient: `c` reaches `b` along two edges, each carrying 1, so `dc/db = 2`.
# Then `b` reaches `a` along two edges, each carrying `dc/db = 2`, so `dc/da = 4`.
# A value used in several places receives the *sum* of the gradients from all its uses.
#
# There is a trap. A node may pass its gradient on only after it has received *all* of
# it. Here is a backward pass that forgets this: it walks from `c` towards the inputs, and
# the moment a node receives some gradient it sends it on to its own inputs.


# %%
def backward_too_early(node, passed_on=None):
    """Wrong on purpose: a node passes its gradient on the moment it first receives some."""
    passed_on = set() if passed_on is None else passed_on
    for parent, local in zip(node._parents, node._local):
        parent.grad += local * node.grad
        if parent not in passed_on:  # go on from the parent right away, and only once
            passed_on.add(parent)
            backward_too_early(parent, passed_on)


a = mg.Value(1.0, label="a")
b = a + a
c = b + b
c.grad = 1.0
backward_too_early(c)
print(f"too early: dc/da = {a.grad} (should be 4)")
assert a.grad == 2.0  # b passed on 1 before its second contribution arrived

# %% [markdown]
# It got 2, not 4: `b` sent its gradient to `a` when only the first of its two
# contributions had arrived.
#
# The fix is to order the nodes so that every node comes after all the nodes it was
# computed from: a *topological order*. Going through that list backwards, a node is
# reached only once every node that used it has been processed, so its gradient is
# complete. `mg.Value.backward` does this (the walk is in `minigrad/autograd.py`, and the
# tensor engine of lesson 3 uses the same one).

# %%
a = mg.Value(1.0, label="a")
b = a + a
b.label = "b"
c = b + b
c.label = "c"
order = mg.autograd.topological_order(c)
print("topological order:", [v.label for v in order])
assert [v.label for v in order] == ["a", "b", "c"]
c.backward()
print(f"engine: dc/db = {b.grad}, dc/da = {a.grad}")
assert (b.grad, a.grad) == (2.0, 4.0)
lessons.save_graph(mg.viz.draw(c), out / "used_twice.png")

# %% [markdown]
# The same graph as a page to step through in a browser: `mg.viz.explore` replays the
# engine's backward pass one node at a time, in the order above reversed (c, then b, then
# a), and shows each contribution arriving at `a` with the running sum: 2, then 4.

# %%
steps = []
with mg.autograd.observe_backward(lambda node, grad, sent: steps.append((node, sent))):
    mg.autograd.run_backward([c], [1.0], retain_graph=True, capture=())  # touches no .grad
assert [node.label for node, _ in steps] == ["c", "b", "a"]
assert [running for parent, _, running in steps[1][1]] == [2.0, 4.0]  # b sends to a twice
lessons.save_page(c, out / "used_twice.html")


# %% [markdown]
# Could we skip the ordering and simply follow every path from `c` back to `a`, adding up
# what arrives? That gives the right answer, because the chain rule sums over paths. But
# the number of paths doubles with each step: a chain of 20 doublings has over a million
# paths, while the topological walk visits each of its 21 nodes once.


# %%
def count_path_visits(node):
    """Visits made by following every path back from `node` (correct, but exponential)."""
    return 1 + sum(count_path_visits(p) for p in node._parents)


x = mg.Value(1.0)
y = x
for _ in range(12):
    y = y + y  # y = 2**12 * x
y.backward()
visits = count_path_visits(y)
nodes = len(mg.autograd.topological_order(y))
print(f"12 doublings: {nodes} nodes, {visits} visits following every path; dy/dx = {x.grad}")
assert x.grad == 2.0**12
assert nodes == 13 and visits == 2**13 - 1
# the paths double with each doubling (2**n of them after n), the nodes grow by one
chain = mg.Value(1.0)
for n in range(1, 11):
    chain = chain + chain
    assert count_path_visits(chain) == 2 ** (n + 1) - 1  # 2**n paths reach the start
assert 2**20 > 1_000_000  # so 20 doublings: over a million paths, for 21 nodes

# %% [markdown]
# ## 6. The local derivatives of the engine, checked
#
# Each operation of `Value` computes its result and its local derivative side by side
# (open `minigrad/scalar.py`). `mg.gradcheck` compares what backpropagation computes with
# the nudging method of section 1, here on a function that uses all of them.


# %%
def mixed(u, v):
    return (u * v + v**2 - u / v).tanh() + (u.exp() + 1).log() + u.sigmoid() * v.relu()


assert mg.gradcheck(mixed, [0.7, 1.3])
u, v = mg.Value(0.7), mg.Value(1.3)
mixed(u, v).backward()
s = 1 / (1 + math.exp(-0.7))
t = math.tanh(0.7 * 1.3 + 1.3**2 - 0.7 / 1.3)
by_hand_u = (1 - t**2) * (1.3 - 1 / 1.3) + math.exp(0.7) / (math.exp(0.7) + 1) + s * (1 - s) * 1.3
print(f"d mixed / du: engine {u.grad:.10f}, by hand {by_hand_u:.10f}")
assert abs(u.grad - by_hand_u) < 1e-12

# %% [markdown]
# ## Exercises and what comes next
#
# Exercises for this lesson (`minigrad exercises start ID` writes a file for you to fill
# in, `minigrad exercises check ID` grades it, `minigrad exercises hint ID` helps):
#
# - `chain-rule`: the chain rule by hand, on an expression that uses a variable twice;
# - `neuron-grads`: the gradients of a tanh neuron by hand;
# - `graph-walk`: write the topological order and the backward pass yourself;
# - `value-ops`: build `Value` yourself (a track in three parts): its operations and their
#   local derivatives, checked against `mg.Value`;
# - `value-backward`: part 2, its `backward()`: the walk, on a chain of 10,000 operations
#   too (part 3, `value-mlp`, is in lesson 2).
#
# Next, lesson 2 builds a neuron, a layer and a small network out of these Values and
# trains it to separate two interleaved half-moons.

# %%
print("Lesson 1 done: every claim above was checked.")
