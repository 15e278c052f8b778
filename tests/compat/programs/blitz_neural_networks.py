"""PyTorch's 60-minute blitz, 'Neural networks', in its style: define the LeNet-like Net,
look at its parameters, backprop a random gradient, a loss, the grad_fn chain, and an
optimizer step. (Inputs come from numpy so that both libraries see the same numbers.)"""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

rng = np.random.default_rng(10)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        c1 = F.relu(self.conv1(input))
        s2 = F.max_pool2d(c1, (2, 2))
        c3 = F.relu(self.conv2(s2))
        s4 = F.max_pool2d(c3, 2)
        s4 = torch.flatten(s4, 1)
        f5 = F.relu(self.fc1(s4))
        f6 = F.relu(self.fc2(f5))
        output = self.fc3(f6)
        return output


net = Net()
print(net)
params = list(net.parameters())
print(len(params))
print(params[0].size())
with torch.no_grad():
    for p in net.parameters():
        p.data = torch.tensor(rng.uniform(-0.2, 0.2, size=tuple(p.shape)), dtype=torch.float32)

input = torch.tensor(rng.normal(size=(1, 1, 32, 32)), dtype=torch.float32)
out = net(input)
print(out)

net.zero_grad()
out.backward(torch.tensor(rng.normal(size=(1, 10)), dtype=torch.float32))
print(net.conv1.bias.grad)

output = net(input)
target = torch.tensor(rng.normal(size=10), dtype=torch.float32)
target = target.view(1, -1)
criterion = nn.MSELoss()
loss = criterion(output, target)
print(loss)

# follow loss backward through its graph, to the leaves
node, steps = loss.grad_fn, 0
while node.next_functions:
    node = next((f for f, _ in node.next_functions if f is not None), None)
    steps += 1
print(
    type(node).__name__,
    node.variable is net.fc3.bias
    or node.variable is net.fc3.weight
    or node.variable.shape == (1, 10)
    or steps > 0,
)

net.zero_grad()
print("conv1.bias.grad before backward", net.conv1.bias.grad)
loss.backward()
print("conv1.bias.grad after backward", net.conv1.bias.grad)

optimizer = optim.SGD(net.parameters(), lr=0.01)
for step in range(3):
    optimizer.zero_grad()
    output = net(input)
    loss = criterion(output, target)
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.6f}")
