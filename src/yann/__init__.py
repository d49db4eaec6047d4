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
- ``jacobians``  sympy Jacobians of each stage of the running example, exact and displayed with shapes
- ``jacobian_chain``  the explicit Jacobian chain in numpy, with operation counts (the costly way)
- ``torch_io``   the same parameters in PyTorch, read back in the book's (outputs, inputs) layout
- ``keras_io``   the same parameters in TensorFlow and Keras; the one place that transposes to kernels
- ``model_state``  min-max scaling, a from-scratch SGD update, the contents of a saved .keras file

``torch_io`` and ``keras_io`` import their framework themselves, so ``import yann`` needs neither.
"""

__version__ = "0.1.0"
