"""Exercise keras-model (lesson 5): count a small Keras-style CNN, layer by layer.

Input 224 x 224 x 3 (height, width, channels). Keras's default padding is 'valid'.

    Conv2D(16, kernel 2x2)  -> MaxPooling2D(2)
    Conv2D(32, kernel 2x2)  -> MaxPooling2D(2)
    Conv2D(64, kernel 2x2)  -> MaxPooling2D(2)
    GlobalAveragePooling2D  -> Dense(133)

Fill in each layer's parameter count, the total, and the shape (H, W, C) after the
last max-pooling. Numbers or Python expressions.
"""

# BEGIN SOLUTION


def conv(c_in, c_out, k):
    return k * k * c_in * c_out + c_out  # weights + one bias per filter


def pooled_size(size, convs):
    for _ in range(convs):
        size = (size - 2 + 1) // 2  # 'valid' 2x2 conv loses one pixel, the pool halves
    return size


# END SOLUTION


def answers() -> dict:
    # BEGIN SOLUTION
    counts = {
        "conv1": conv(3, 16, 2),  # 208
        "conv2": conv(16, 32, 2),  # 2,080
        "conv3": conv(32, 64, 2),  # 8,256
        "dense": 64 * 133 + 133,  # global average pooling leaves 64 numbers: 8,645
    }
    size = pooled_size(224, 3)  # 27
    counts["total"] = sum(counts.values())  # 19,189
    counts["last_pool_shape"] = (size, size, 64)  # (27, 27, 64)
    return counts
    # END SOLUTION
    # STUB: return {
    # STUB:     "conv1": ..., "conv2": ..., "conv3": ..., "dense": ...,
    # STUB:     "total": ...,
    # STUB:     "last_pool_shape": (..., ..., ...),
    # STUB: }
