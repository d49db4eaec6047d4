"""yann: the helper package of YANN, a backpropagation course you can run.

The chapters write what they teach; yann holds what would distract from it. One job per module:

- ``example``   the running example's parameters (floats or exact fractions) and the recorded
                reference values
- ``mlp``       chapter 5's numpy network, verbatim: the tables of activations and losses,
                ``forward_pass`` and ``backprop``; and its checked entries ``Layer``, ``forward``,
                ``gradients`` and ``sgd_step``
- ``trace``     training traces: every output, loss, gradient and parameter of gradient descent
- ``validate``  argument checks whose errors name the argument, what it got and what was expected
- ``printing``  version-stable printing: ``fmt``, ``show``, ``table``, ``expect_error``
- ``glue``      myst-nb's glue, writing its record itself, so it also works without myst-nb (Colab)
- ``figures``   the network diagram, drawn by code
- ``graph``     pictures of the backward pass: the computational graph with values and gradients,
                and a product of Jacobians as blocks whose sizes match
- ``symbolic``  sympy for the hand derivation: a sigmoid that stays short, ``to_float``, and
                ``shaped``/``chain``, which show matrices (named in LaTeX) with their shapes
- ``tf_env``    TensorFlow and Keras imported quietly and reproducibly
- ``torch_io``  chapter 6's ``nn.Sequential`` of the layers; parameters and gradients read back
- ``keras_io``  chapter 9's ``keras.Sequential`` of the layers; parameters and gradients read back

One vocabulary throughout: ``W`` is (outputs, inputs) and a layer computes ``z = W a + b``, then
``a = f(z)``; ``x`` is the input, ``y`` the labels, ``E`` the loss; ``layers`` is a list of
``mlp.Layer``; a Keras ``kernel`` is ``W.T``; gradients are named after their parameter (``W1``,
``b1``, ...). One sample is a 1-D vector, a batch a 2-D array of rows. ``torch_io`` and
``keras_io`` import their framework, so ``import yann`` needs neither.
"""

__version__ = "0.3.0"
