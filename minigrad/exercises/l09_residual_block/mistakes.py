"""Realistic wrong answers to residual-block, each with the words its diagnostic must contain:
the solution's block with one layer or the forward built wrong."""

import minigrad.functional as F
from minigrad import nn

from ..exercise import mistake
from .solution import BasicBlock


def projection(in_channels, out_channels, stride):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels),
    )


@mistake("BasicBlock", hint="same stride")
class ProjectionWithoutStride(BasicBlock):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__(in_channels, out_channels, stride)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = projection(in_channels, out_channels, 1)


@mistake("BasicBlock", hint="projection even though")
class AlwaysAProjection(BasicBlock):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__(in_channels, out_channels, stride)
        self.shortcut = projection(in_channels, out_channels, stride)


@mistake("BasicBlock", hint="after the addition")
class ReluBeforeTheAddition(BasicBlock):
    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out) + self.shortcut(x)


@mistake("BasicBlock", hint="bias=False")
class FirstConvWithBias(BasicBlock):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__(in_channels, out_channels, stride)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)


@mistake("BasicBlock", hint="there is no shortcut")
class ShortcutNeverAdded(BasicBlock):
    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out)


@mistake("BasicBlock", hint="there is no shortcut")
class PlainBlock(nn.Module):
    """No shortcut at all: two convolutions, as in a VGG stage."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        return F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))


@mistake("BasicBlock", hint="the stride is on the wrong conv")
class StrideOnTheSecondConv(BasicBlock):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__(in_channels, out_channels, stride)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=stride, padding=1, bias=False)


@mistake("BasicBlock", hint="the final ReLU is missing")
class NoFinalRelu(BasicBlock):
    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return out + self.shortcut(x)
