"""Exercise residual-block (lesson 9): write ResNet's basic block as an nn.Module.

    out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))

conv1: 3x3, in_channels -> out_channels, stride `stride`, padding 1, bias=False
conv2: 3x3, out_channels -> out_channels, stride 1, padding 1, bias=False
bn1, bn2: nn.BatchNorm2d(out_channels)
shortcut: the identity when the shape does not change (stride 1 and in == out
channels); otherwise a projection: nn.Conv2d(in, out, 1, stride=stride, bias=False)
followed by nn.BatchNorm2d(out).
"""

import minigrad as mg
import minigrad.functional as F
from minigrad import nn


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        # BEGIN SOLUTION
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:  # shapes change: project
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        else:
            self.shortcut = nn.Identity()
        # END SOLUTION

    def forward(self, x):
        # BEGIN SOLUTION
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))  # add first, then the ReLU
        # END SOLUTION
