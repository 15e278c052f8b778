"""The primitive Functions of the tensor engine; everything else is composed from these.

| module         | primitives                                                                  |
|----------------|-----------------------------------------------------------------------------|
| elementwise.py | Add Sub Mul WeightedSum Div Neg Pow PowScalar Exp Log Abs Sigmoid Tanh      |
|                | Where Maximum Minimum Cast Sin Cos                                          |
| reduce.py      | Sum SumTo Amax                                                              |
| movement.py    | Reshape Permute BroadcastTo GetItem IndexAdd Pad Concat                     |
| matmul.py      | MatMul                                                                      |
| window.py      | Unfold Fold (im2col and col2im: each is the other's backward)               |
| write.py       | Clone SetRegion (x.clone(); x[index] = v and in-place changes of views)     |
"""
