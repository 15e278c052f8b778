"""Exercise lenet-shapes (lesson 7): follow one 1 x 32 x 32 image through LeNet-5.

C1 (6 filters 5x5, no padding), S2 (2x2 pooling, stride 2), C3 (16 filters 5x5),
S4 (2x2 pooling, stride 2), C5 (120 filters 5x5), F6 (84 units), output (10 units).
Give each layer's output shape for ONE image: (channels, height, width) after the
convolutions and poolings, (units,) after F6 and output.
"""

# BEGIN SOLUTION


def conv(size, k):
    return size - k + 1  # no padding, stride 1


def pool(size):
    return size // 2  # 2x2 windows, stride 2


# END SOLUTION


def answers() -> dict:
    # BEGIN SOLUTION
    c1 = conv(32, 5)  # 28
    s2 = pool(c1)  # 14
    c3 = conv(s2, 5)  # 10
    s4 = pool(c3)  # 5
    c5 = conv(s4, 5)  # 1: the 5x5 kernel covers the whole map
    return {
        "C1": (6, c1, c1),
        "S2": (6, s2, s2),
        "C3": (16, c3, c3),
        "S4": (16, s4, s4),
        "C5": (120, c5, c5),
        "F6": (84,),
        "output": (10,),
    }
    # END SOLUTION
    # STUB: return {"C1": ..., "S2": ..., "C3": ..., "S4": ..., "C5": ..., "F6": ..., "output": ...}
