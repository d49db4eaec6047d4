"""yann: the helper package of YANN, a backpropagation course you can run.

One job per module:

- ``example``   the running example's parameters and the recorded reference values
- ``mlp``       a numpy fully connected network: the forward pass and the one backward pass
                (chapter 5's ``forward_pass`` and ``backprop``, verbatim), its tables of
                activations and losses, and the checked entries ``forward``, ``gradients``
                and ``sgd_step``
- ``trace``     training traces: every output, loss, gradient and parameter of gradient descent, step by step
- ``validate``  argument checks with error messages that name the argument and the expected shape
- ``printing``  version-stable printing of numbers, vectors and matrices
- ``glue``      myst-nb's glue, writing its display record itself, so it works without myst-nb (Colab)
- ``figures``   figures drawn by code, such as the network diagram
- ``graph``     pictures of the backward pass: the computational graph with values and gradients
- ``tf_env``    TensorFlow and Keras imported quietly and reproducibly
- ``symbolic``  sympy for the hand derivation: a short sigmoid, Jacobians shown with their shapes
- ``torch_io``   chapter 6's PyTorch model of the layers, its parameters and gradients read back, checked
- ``keras_io``   chapter 9's Keras model of the layers (kernels are ``W.T``), read back and checked

``torch_io`` and ``keras_io`` import their framework themselves, so ``import yann`` needs neither.
"""

__version__ = "0.3.0"
