"""yann: the helper package of YANN, a backpropagation course you can run.

One job per module:

- ``example``   the running example's parameters and the recorded reference values
- ``mlp``       a numpy fully connected network: forward pass, reverse-mode backward pass, SGD step
- ``trace``     training traces: every output, loss, gradient and parameter of gradient descent, step by step
- ``validate``  argument checks with error messages that name the argument and the expected shape
- ``printing``  version-stable printing of numbers, vectors and matrices
- ``glue``      a wrapper around myst-nb's glue that is a no-op where myst-nb is missing (Colab)
- ``figures``   figures drawn by code, such as the network diagram
- ``tf_env``    TensorFlow and Keras imported quietly and reproducibly

Framework modules import torch or TensorFlow themselves, so ``import yann`` needs neither.
"""

__version__ = "0.1.0"
