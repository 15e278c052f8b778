"""Exercise resblock-params (lesson 9): a ResNet basic block, counted by hand.

The block takes 64 x 56 x 56 to 128 x 28 x 28 (ResNet-18's first block of stage 2):
    conv1: 3x3, 64 -> 128, stride 2, padding 1, no bias     bn1: BatchNorm2d(128)
    conv2: 3x3, 128 -> 128, stride 1, padding 1, no bias    bn2: BatchNorm2d(128)
    shortcut: the shapes change, so it is a projection: 1x1 conv 64 -> 128, stride 2,
              no bias, then BatchNorm2d(128)
    out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))
Give the trainable parameters of each part (a BatchNorm2d's running statistics are
buffers, not parameters), the total, and the output shape (C, H, W).
"""


def answers() -> dict:
    # BEGIN SOLUTION
    counts = {
        "conv1": 3 * 3 * 64 * 128,  # 73,728 (no bias: the BatchNorm after it shifts anyway)
        "bn1": 2 * 128,  # a scale and a shift per channel
        "conv2": 3 * 3 * 128 * 128,  # 147,456
        "bn2": 2 * 128,
        "shortcut": 1 * 1 * 64 * 128 + 2 * 128,  # 1x1 projection and its BatchNorm: 8,448
    }
    counts["total"] = sum(counts.values())  # 230,144
    counts["output_shape"] = (128, (56 + 2 - 3) // 2 + 1, (56 + 2 - 3) // 2 + 1)  # 28 x 28
    return counts
    # END SOLUTION
    # STUB: return {
    # STUB:     "conv1": ..., "bn1": ..., "conv2": ..., "bn2": ..., "shortcut": ...,
    # STUB:     "total": ..., "output_shape": (..., ..., ...),
    # STUB: }
