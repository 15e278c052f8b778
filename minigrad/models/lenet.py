r"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998): the network that read cheques.

Layer names follow the paper (C = convolution, S = subsampling, F = fully connected).
Two variants share them:

`LeNet5()`, the **modern** LeNet-5 most courses and libraries build:

    input  1 x 32 x 32
    C1     6 @ 5x5 conv      -> 6 x 28 x 28     6 * (1*25 + 1)   =    156 parameters
    S2     2x2 pooling       -> 6 x 14 x 14
    C3     16 @ 5x5 conv     -> 16 x 10 x 10    16 * (6*25 + 1)  =  2,416
    S4     2x2 pooling       -> 16 x 5 x 5
    C5     120 @ 5x5 conv    -> 120 x 1 x 1     120 * (16*25 + 1) = 48,120
    F6     fully connected   -> 84              84 * (120 + 1)   = 10,164
    output fully connected   -> 10              10 * (84 + 1)    =    850
                                                            total  61,706

`LeNet5(variant="1998")`, **as the paper built it**, where it differs from the modern one:

    S2, S4  trainable subsampling: each map's 2x2 sums times a learned coefficient, plus a
            learned bias, then the squashing function: 2 per map (S2 12, S4 32)
    C3      the paper's connection table (Table I): maps 0-5 see 3 neighbouring S2 maps,
            6-11 see 4 neighbouring ones, 12-14 four non-neighbouring ones, 15 all six:
            6 * (3*25 + 1) + 9 * (4*25 + 1) + (6*25 + 1) = 1,516 (not 2,416). The paper's
            reasons: fewer connections, and maps forced to differ because they see
            different inputs
    every   the scaled tanh 1.7159 tanh(2x/3) (so that f(1) = 1 and f(-1) = -1), after
    unit    every layer up to F6, S2 and S4 included
    output  Euclidean radial basis functions: y_k = sum_j (x_j - c_kj)^2, the squared
            distance from F6's 84 outputs to a fixed prototype of digit k, a 7x12 bitmap of
            +1 and -1 (minigrad draws its own, `DIGIT_BITMAPS`, in the paper's spirit). Not
            trained, so not parameters: 840 numbers in a buffer. `forward` returns -y
            (the nearer the prototype, the higher the score), so cross-entropy, argmax
            and `train.fit` work as with any classifier
    init    weights uniform in +-2.4 / fan-in, as in the paper (the biases too, here)
    total   156 + 12 + 1,516 + 32 + 48,120 + 10,164 = 60,000 trainable parameters: the
            paper's own count

What this 1998 variant still leaves out, and why: the paper's loss adds a constant
e^(-j) inside the logarithm of `-log softmax(-y)_target` (cross-entropy on the scores
above), a "rubbish class" that stops the penalties from all collapsing to zero when the
prototypes are learned; with fixed prototypes there is nothing to collapse, so plain
cross-entropy is used. The paper scaled its inputs so that the background is -0.1 and the
ink 1.175 (mean about 0, variance about 1); minigrad's digits are 0 (background) to 1.
It trained with a diagonal approximation of Levenberg-Marquardt (stochastic
"diagonal Hessian" steps); here any optimizer does.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .. import functional as F
from .. import nn
from ..factory import default_generator, zeros
from ..tensor import Tensor, cat

__all__ = ["LeNet5", "ScaledTanh", "Subsampling", "ConnectionTableConv2d", "DigitRBF"]

_ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}
_POOLS = {"avg": nn.AvgPool2d, "max": nn.MaxPool2d}
VARIANTS = ("modern", "1998")

# Table I of the paper: the S2 maps each C3 map reads
C3_TABLE = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1), (5, 0, 1, 2),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)  # fmt: skip

# The RBF prototypes, drawn for minigrad: digits 0 to 9 side by side, each 7 wide and 12 high;
# "#" is +1 (ink), "." is -1
DIGIT_BITMAPS = """
....... ....... ....... ....... ....... ....... ....... ....... ....... .......
..###.. ...#... ..###.. .####.. ....#.. ####### ...##.. ####### ..###.. ..###..
.#...#. ..##... .#...#. .....#. ...##.. #...... ..#.... ......# .#...#. .#...#.
#.....# .#.#... .....#. .....#. ..#.#.. #...... .#..... .....#. .#...#. #.....#
#.....# ...#... .....#. .....#. .#..#.. #...... #...... ....#.. .#...#. #.....#
#.....# ...#... ....#.. ..###.. #...#.. #####.. #.###.. ....#.. ..###.. .#...##
#.....# ...#... ...#... .....#. ####### .....#. ##...#. ...#... .#...#. ..###.#
#.....# ...#... ..#.... .....#. ....#.. ......# #.....# ...#... #.....# ......#
#.....# ...#... .#..... .....#. ....#.. ......# #.....# ..#.... #.....# .....#.
.#...#. ...#... #...... .....#. ....#.. .....#. .#...#. ..#.... .#...#. ....#..
..###.. .#####. ####### .####.. ....#.. #####.. ..###.. ..#.... ..###.. ..##...
....... ....... ....... ....... ....... ....... ....... ....... ....... .......
"""


def digit_prototypes() -> np.ndarray:
    """(10, 84) float32: row k is digit k's 7x12 bitmap, row by row, +1 for ink, -1 elsewhere."""
    rows = DIGIT_BITMAPS.strip("\n").split("\n")
    glyphs = [[row.split(" ")[k] for row in rows] for k in range(10)]
    assert all(len(g) == 12 and all(len(line) == 7 for line in g) for g in glyphs)
    return np.array(
        [[1.0 if c == "#" else -1.0 for c in "".join(g)] for g in glyphs], dtype=np.float32
    )


def _paper_init(weight: Tensor, bias: Tensor | None, fan_in: int) -> None:
    """The paper's initialisation: uniform in +-2.4 / fan-in (small weights keep the
    squashing function in its linear range at the start)."""
    bound = 2.4 / fan_in
    rng = default_generator()
    weight.numpy()[...] = rng.uniform(-bound, bound, size=weight.shape)
    if bias is not None:
        bias.numpy()[...] = rng.uniform(-bound, bound, size=bias.shape)


class ScaledTanh(nn.Module):
    r"""The paper's squashing function: f(a) = A tanh(S a), A = 1.7159, S = 2/3.

    Chosen so that f(1) = 1 and f(-1) = -1, where the second derivative is largest, and
    the targets of a unit can sit there rather than at the asymptotes.
    """

    A, S = 1.7159, 2.0 / 3.0

    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x * self.S) * self.A


class Subsampling(nn.Module):
    r"""The paper's trainable subsampling: y[n, c] = w[c] * (sum of each 2x2 window) + b[c].

    One coefficient and one bias per map (the squashing function follows as its own
    layer). With w = 1/4 and b = 0 it is average pooling.
    """

    def __init__(self, channels: int, kernel_size: int = 2) -> None:
        super().__init__()
        self.channels, self.kernel_size = int(channels), int(kernel_size)
        self.weight = nn.Parameter(np.zeros(self.channels, dtype=np.float32))
        self.bias = nn.Parameter(np.zeros(self.channels, dtype=np.float32))
        _paper_init(self.weight, self.bias, self.kernel_size**2)

    def forward(self, x: Tensor) -> Tensor:
        sums = F.avg_pool2d(x, self.kernel_size, divisor_override=1)  # the sum of each window
        return sums * self.weight.reshape(1, -1, 1, 1) + self.bias.reshape(1, -1, 1, 1)

    def extra_repr(self) -> str:
        return f"{self.channels}, kernel_size={self.kernel_size}"


class ConnectionTableConv2d(nn.Module):
    r"""A convolution in which output map k reads only the input maps `table[k]`.

    Its parameters are one KH x KW kernel per connection (per X in the paper's table), in
    `weight` (connections, KH, KW), and one bias per output map: for the paper's C3,
    60 * 25 + 16 = 1,516. The forward pass lays the kernels out as an ordinary conv2d
    weight (C_out, C_in, KH, KW) with zero kernels where the table has no connection
    (`dense_weight`), and calls F.conv2d. Those zeros are not parameters: the layout is a
    gather, so the gradient reaches only the real kernels, and the zeros stay zero.
    """

    def __init__(self, table: tuple, kernel_size: int) -> None:
        super().__init__()
        self.table = tuple(tuple(int(c) for c in maps) for maps in table)
        self.in_channels = max(max(maps) for maps in self.table) + 1
        self.out_channels, self.kernel_size = len(self.table), int(kernel_size)
        k = self.kernel_size
        connections = sum(len(maps) for maps in self.table)
        self.weight = nn.Parameter(np.zeros((connections, k, k), dtype=np.float32))
        self.bias = nn.Parameter(np.zeros(self.out_channels, dtype=np.float32))
        # slot[o, c]: the connection whose kernel sits at (o, c), or `connections` (a zero
        # kernel appended after the real ones) where the table has none
        self.slot = np.full((self.out_channels, self.in_channels), connections)
        rows = []
        for o, maps in enumerate(self.table):
            for c in maps:
                self.slot[o, c] = len(rows)
                rows.append(o)
        # the paper's initialisation, +-2.4 / fan-in, with each output map's own fan-in
        rng = default_generator()
        fan_in = np.array([len(maps) * k * k for maps in self.table])
        self.weight.numpy()[...] = rng.uniform(-1, 1, self.weight.shape) * (
            2.4 / fan_in[rows]
        ).reshape(-1, 1, 1)
        self.bias.numpy()[...] = rng.uniform(-1, 1, self.out_channels) * 2.4 / fan_in

    def dense_weight(self) -> Tensor:
        """The kernels as a conv2d weight (C_out, C_in, KH, KW), zero where not connected."""
        k = self.kernel_size
        kernels = cat([self.weight, zeros(1, k, k, dtype=self.weight.dtype)], 0)
        return kernels[self.slot]

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.dense_weight(), self.bias)

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"connections={self.weight.shape[0]} of {self.in_channels * self.out_channels}"
        )


class DigitRBF(nn.Module):
    r"""The paper's output layer: scores[n, k] = -sum_j (x[n, j] - c[k, j])^2.

    Each class k has a fixed prototype c[k] (the `centres` buffer, from DIGIT_BITMAPS,
    never trained); the score is minus the squared distance to it, so the class whose
    prototype is nearest scores highest. (The paper's output is the distance itself, a
    penalty; the sign makes cross-entropy and argmax read it as usual.)
    """

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("centres", Tensor(digit_prototypes()))

    def forward(self, x: Tensor) -> Tensor:
        diff = x.unsqueeze(1) - self.centres.unsqueeze(0)  # (N, 10, 84)
        return -(diff * diff).sum(2)

    def extra_repr(self) -> str:
        return "84, 10, prototypes=7x12 digit bitmaps (fixed)"


class LeNet5(nn.Module):
    """LeNet-5 for 32x32 images: `features` (C1..C5) then `classifier` (F6, output).

    variant: 'modern' (default: what most courses build; `activation` and `pool` choose
    its recipe) or '1998' (as in the paper: trainable subsampling, the C3 connection
    table, the scaled tanh, the RBF output layer; see the module docstring).
    `activation` is 'tanh' (default) or 'relu' (or 'sigmoid'); `pool` is 'avg' (default)
    or 'max'. State-dict keys read "features.c1.weight", "classifier.f6.weight", ...
    """

    def __init__(
        self,
        num_classes: int = 10,
        in_channels: int = 1,
        activation: str | None = None,
        pool: str | None = None,
        variant: str = "modern",
    ) -> None:
        super().__init__()
        if variant not in VARIANTS:
            raise ValueError(f"LeNet5: variant must be 'modern' or '1998', got {variant!r}")
        self.variant = variant
        self.num_classes, self.in_channels = num_classes, in_channels
        if variant == "1998":
            self._build_1998(num_classes, in_channels, activation, pool)
        else:
            self._build_modern(num_classes, in_channels, activation or "tanh", pool or "avg")

    def _build_modern(self, num_classes: int, in_channels: int, activation: str, pool: str):
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"LeNet5: activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}"
            )
        if pool not in _POOLS:
            raise ValueError(f"LeNet5: pool must be one of {sorted(_POOLS)}, got {pool!r}")
        act, pooling = _ACTIVATIONS[activation], _POOLS[pool]
        self.features = nn.Sequential(
            OrderedDict(
                c1=nn.Conv2d(in_channels, 6, kernel_size=5),
                act1=act(),
                s2=pooling(2),
                c3=nn.Conv2d(6, 16, kernel_size=5),
                act3=act(),
                s4=pooling(2),
                c5=nn.Conv2d(16, 120, kernel_size=5),
                act5=act(),
            )
        )
        self.classifier = nn.Sequential(
            OrderedDict(
                flatten=nn.Flatten(),
                f6=nn.Linear(120, 84),
                act6=act(),
                output=nn.Linear(84, num_classes),
            )
        )

    def _build_1998(self, num_classes: int, in_channels: int, activation, pool) -> None:
        if activation is not None or pool is not None:
            raise ValueError(
                "LeNet5: variant='1998' has the paper's own squashing function and trainable "
                "subsampling; leave activation and pool unset (they choose the modern recipe)"
            )
        if num_classes != 10:
            raise ValueError(
                f"LeNet5: variant='1998' ends in one fixed prototype per digit (10 classes), "
                f"got num_classes={num_classes}; use the modern variant for other class counts"
            )
        c1 = nn.Conv2d(in_channels, 6, kernel_size=5)
        c5 = nn.Conv2d(16, 120, kernel_size=5)
        f6 = nn.Linear(120, 84)
        for layer, fan_in in ((c1, in_channels * 25), (c5, 16 * 25), (f6, 120)):
            _paper_init(layer.weight, layer.bias, fan_in)
        self.features = nn.Sequential(
            OrderedDict(
                c1=c1,
                act1=ScaledTanh(),
                s2=Subsampling(6),
                act2=ScaledTanh(),
                c3=ConnectionTableConv2d(C3_TABLE, kernel_size=5),
                act3=ScaledTanh(),
                s4=Subsampling(16),
                act4=ScaledTanh(),
                c5=c5,
                act5=ScaledTanh(),
            )
        )
        self.classifier = nn.Sequential(
            OrderedDict(flatten=nn.Flatten(), f6=f6, act6=ScaledTanh(), output=DigitRBF())
        )

    def forward(self, x: Tensor) -> Tensor:
        if isinstance(x, Tensor) and x.ndim == 4 and x.shape[2:] != (32, 32):
            hint = (
                " Pad 28x28 MNIST digits by 2 on each side: F.pad(x, (2, 2, 2, 2))."
                if x.shape[2:] == (28, 28)
                else " Resize or pad the images to 32x32."
            )
            raise ValueError(
                f"LeNet5: expected {self.in_channels} x 32 x 32 images (input shape "
                f"(N, C, 32, 32)), got shape {x.shape}; C5's 5x5 kernel must cover the whole "
                f"5x5 map S4 leaves, which needs 32x32 inputs.{hint}"
            )
        return self.classifier(self.features(x))
