ID = "dense-channels"
TITLE = "DenseNet's channel growth through dense blocks and transitions"
HINTS = (
    "The block's output is a concatenation: its c0 input maps, then growth_rate new maps "
    "from each of its num_layers layers.",
    "A transition with compression 0.5 halves the channels (floor: 1,023 -> 511); with "
    "compression 1 it keeps them.",
    "Transitions sit between blocks: a DenseNet with 4 blocks has 3 of them, and the "
    "last block's output goes to the classifier uncompressed (1,024 for DenseNet-121).",
)
