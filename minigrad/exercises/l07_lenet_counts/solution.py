"""Exercise lenet-counts (lesson 7): count LeNet-5's parameters.

    input 1 x 32 x 32
    C1  6 filters 5x5            S2  2x2 pooling (no parameters here)
    C3 16 filters 5x5 (each sees all 6 maps of S2)
    S4  2x2 pooling              C5 120 filters 5x5
    F6  fully connected, 84      output  fully connected, 10

Every convolution and fully connected layer has biases. Fill in the numbers (or Python
expressions).
"""


def answers() -> dict:
    # BEGIN SOLUTION
    counts = {
        "C1": 6 * (1 * 5 * 5) + 6,  # 156
        "C3": 16 * (6 * 5 * 5) + 16,  # 2,416: every filter spans the 6 maps of S2
        "C5": 120 * (16 * 5 * 5) + 120,  # 48,120
        "F6": 84 * 120 + 84,  # 10,164
        "output": 10 * 84 + 10,  # 850
    }
    counts["total"] = sum(counts.values())  # 61,706
    return counts
    # END SOLUTION
    # STUB: return {"C1": ..., "C3": ..., "C5": ..., "F6": ..., "output": ..., "total": ...}
