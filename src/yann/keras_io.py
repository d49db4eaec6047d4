"""The book's parameters in TensorFlow and Keras, and gradients and parameters back out.

Two layouts meet here. The book's ``W`` and the ``tf.Variable`` objects made for a GradientTape
have shape (outputs, inputs). A Keras ``Dense`` kernel has shape (inputs, outputs): it computes
``a @ kernel + bias`` on a batch of row vectors, so its kernel is ``W.T``.

Exactly two functions convert between the layouts: :func:`kernel_from_W` (into Keras) and
:func:`W_from_kernel` (back out). Every other function goes through them, so the transpose is
written once and cannot be forgotten in one place and done twice in another.

A shape check catches a matrix handed over in the wrong layout only when the matrix is not
square. A square ``W`` (the running example's ``W1`` is 3 x 3) has the same shape in both layouts
and is accepted transposed without a word; :func:`check_forward` catches that case by comparing a
forward pass of the model with the numpy reference.

TensorFlow and Keras are imported through :mod:`yann.tf_env`; ``import yann`` does not import them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from . import mlp
from .example import Example, as_layers
from .mlp import Layer
from .tf_env import keras, tf
from .validate import as_array, check_choice, check_shape

KERAS_ACTIVATIONS = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "identity": "linear"}


def dtype_name(dtype) -> str:
    """``"float32"`` or ``"float64"`` from a numpy, TensorFlow or string dtype; refuse others."""
    if isinstance(dtype, tf.DType):
        name = dtype.name
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = repr(dtype)
    if name not in ("float32", "float64"):
        raise TypeError(f"dtype is {name}, expected float32 or float64")
    return name


# --- the two layout conversions --------------------------------------------------------------


def kernel_from_W(W, *, name: str = "W") -> np.ndarray:
    """The Keras kernel (inputs, outputs) holding the book's ``W`` (outputs, inputs): ``W.T``.

    This and :func:`W_from_kernel` are the only places where yann transposes for Keras.
    """
    W = as_array(name, W, ndim=2)
    return np.ascontiguousarray(W.T)


def W_from_kernel(kernel, *, name: str = "kernel") -> np.ndarray:
    """The book's ``W`` (outputs, inputs) held by a Keras kernel (inputs, outputs): ``kernel.T``."""
    kernel = as_array(name, kernel, ndim=2)
    return np.ascontiguousarray(kernel.T)


# --- raw variables for a GradientTape --------------------------------------------------------


def constant(name: str, value, *, dtype="float32", shape: tuple[int, ...] | None = None) -> tf.Tensor:
    """A TensorFlow constant holding ``value``, refused unless it has ``shape`` (if given)."""
    array = as_array(name, value)
    if shape is not None:
        check_shape(name, array, shape)
    return tf.constant(array, dtype=dtype_name(dtype))


def variables(source: Example | Sequence[Layer], dtype="float32") -> dict[str, tf.Variable]:
    """``tf.Variable`` objects ``W1, b1, W2, b2, ...`` in the book's layout: ``W`` is (outputs, inputs).

    These are for code that writes the forward pass itself (``W @ a + b``) under a GradientTape;
    no transpose is involved.
    """
    result: dict[str, tf.Variable] = {}
    for i, layer in enumerate(as_layers(source), start=1):
        result[f"W{i}"] = tf.Variable(layer.W.astype(dtype_name(dtype)), name=f"W{i}")
        result[f"b{i}"] = tf.Variable(layer.b.astype(dtype_name(dtype)), name=f"b{i}")
    return result


# --- Keras models ----------------------------------------------------------------------------


def load_dense(dense, W, b, *, name: str = "W") -> None:
    """Put the book's ``W`` (outputs, inputs) and ``b`` into a built Keras ``Dense`` layer.

    The kernel receives ``kernel_from_W(W)``. A ``W`` already in the kernel's (inputs, outputs)
    layout is refused with a message saying so, but only if it is not square: a square ``W`` given
    transposed has the right shape and cannot be told apart here (use :func:`check_forward`).
    """
    if not isinstance(dense, keras.layers.Dense):
        raise TypeError(f"dense is a {type(dense).__name__}, expected a keras.layers.Dense")
    if not dense.built:
        raise ValueError(f"the Dense layer for {name} is not built: give the model a keras.Input first")
    if not dense.use_bias:
        raise ValueError(f"the Dense layer for {name} has no bias, expected use_bias=True")
    bias_name = "b" + name[1:] if name.startswith("W") else f"bias of {name}"
    n_in, n_out = tuple(dense.kernel.shape)
    W = as_array(name, W, ndim=2)
    if W.shape == (n_in, n_out) and n_in != n_out:
        raise ValueError(
            f"{name} has shape {W.shape}, expected {(n_out, n_in)} = (outputs, inputs); it looks like "
            f"a Keras kernel (inputs, outputs) already: pass W in the book's layout and let "
            "kernel_from_W transpose it"
        )
    check_shape(name, W, (n_out, n_in), f"(outputs, inputs) for a Dense layer with {n_in} inputs and {n_out} units")
    b = as_array(bias_name, b, ndim=1)
    check_shape(bias_name, b, (n_out,), f"(outputs,) for a Dense layer with {n_out} units")
    dtype = dense.kernel.dtype
    dense.kernel.assign(kernel_from_W(W, name=name).astype(dtype))
    dense.bias.assign(b.astype(dtype))


def sequential(source: Example | Sequence[Layer], dtype="float32"):
    """A Keras ``Sequential`` model (``keras.Input`` then one ``Dense`` per layer) holding the parameters.

    For float64, build the model inside :func:`floatx` so that the optimizer and metrics are
    float64 too.
    """
    layers = as_layers(source)
    name = dtype_name(dtype)
    model = keras.Sequential(
        [keras.Input(shape=(layers[0].W.shape[1],), dtype=name)]
        + [
            keras.layers.Dense(
                layer.W.shape[0],
                activation=KERAS_ACTIVATIONS[check_choice("activation", layer.activation, KERAS_ACTIVATIONS)],
                dtype=name,
            )
            for layer in layers
        ]
    )
    for i, (dense, layer) in enumerate(zip(dense_layers(model), layers), start=1):
        load_dense(dense, layer.W, layer.b, name=f"W{i}")
    return model


def dense_layers(model) -> list:
    """The ``Dense`` layers of a Keras model, in order."""
    layers = [layer for layer in getattr(model, "layers", []) if isinstance(layer, keras.layers.Dense)]
    if not layers:
        raise ValueError(f"model is a {type(model).__name__} without Dense layers, expected a Keras model")
    return layers


@contextlib.contextmanager
def floatx(dtype) -> Iterator[str]:
    """Set Keras's default float type for the block, then restore it.

    Keras makes an optimizer's learning rate and a model's metrics in the default float type
    (float32), whatever the model's dtype; a float64 run builds model, optimizer and ``compile``
    inside ``with floatx("float64"):`` so that no float32 value slips in.
    """
    name = dtype_name(dtype)
    previous = keras.config.floatx()
    keras.config.set_floatx(name)
    try:
        yield name
    finally:
        keras.config.set_floatx(previous)


# --- reading back ----------------------------------------------------------------------------


def _numpy(name: str, value) -> np.ndarray:
    if value is None:
        raise ValueError(
            f"{name} is None: the tape saw no path from the loss to this variable (was it used in the "
            "forward pass inside the `with tf.GradientTape()` block?)"
        )
    return np.array(keras.ops.convert_to_numpy(value))


def parameters(source) -> dict[str, np.ndarray]:
    """Parameters ``W1, b1, ...`` as numpy arrays with ``W`` in the book's (outputs, inputs) layout.

    ``source`` is a Keras model of ``Dense`` layers (kernels are converted by :func:`W_from_kernel`)
    or a dict of variables such as :func:`variables` returns (already in the book's layout).
    """
    if isinstance(source, Mapping):
        return {name: _numpy(name, value) for name, value in source.items()}
    result = {}
    for i, dense in enumerate(dense_layers(source), start=1):
        result[f"W{i}"] = W_from_kernel(_numpy(f"kernel {i}", dense.kernel), name=f"kernel {i}")
        result[f"b{i}"] = _numpy(f"bias {i}", dense.bias)
    return result


def gradients(source, grads) -> dict[str, np.ndarray]:
    """Gradients as numpy arrays named ``W1, b1, ...``, each in the book's layout and its parameter's shape.

    - ``source`` a dict of variables (see :func:`variables`), ``grads`` the dict that
      ``tape.gradient(loss, source)`` returned;
    - ``source`` a Keras model, ``grads`` the list that ``tape.gradient(loss, model.trainable_variables)``
      returned (kernel gradients are converted by :func:`W_from_kernel`).
    """
    if isinstance(source, Mapping):
        if not isinstance(grads, Mapping) or set(grads) != set(source):
            raise ValueError(
                f"grads has keys {sorted(grads) if isinstance(grads, Mapping) else type(grads).__name__}, "
                f"expected a dict with the keys of source {sorted(source)}: pass tape.gradient(loss, source)"
            )
        result = {}
        for name, variable in source.items():
            result[name] = _numpy(f"gradient of {name}", grads[name])
            check_shape(f"gradient of {name}", result[name], tuple(variable.shape))
        return result
    layers = dense_layers(source)
    expected = [v for dense in layers for v in (dense.kernel, dense.bias)]
    if [id(v) for v in expected] != [id(v) for v in source.trainable_variables]:
        raise ValueError("model.trainable_variables are not the Dense kernels and biases in order")
    grads = list(grads)
    if len(grads) != len(expected):
        raise ValueError(
            f"grads has {len(grads)} entries, expected {len(expected)} (one per variable of "
            "model.trainable_variables)"
        )
    result = {}
    for i in range(len(layers)):
        kernel = _numpy(f"gradient of kernel {i + 1}", grads[2 * i])
        check_shape(f"gradient of kernel {i + 1}", kernel, tuple(expected[2 * i].shape), "(inputs, outputs)")
        result[f"W{i + 1}"] = W_from_kernel(kernel, name=f"gradient of kernel {i + 1}")
        result[f"b{i + 1}"] = _numpy(f"gradient of bias {i + 1}", grads[2 * i + 1])
        check_shape(f"gradient of b{i + 1}", result[f"b{i + 1}"], tuple(expected[2 * i + 1].shape))
    return result


def check_forward(model, source: Example | Sequence[Layer], x, *, rtol: float = 1e-5) -> np.ndarray:
    """Run ``model`` on ``x`` and compare with the numpy reference; return the model's output.

    The guard against a square weight matrix loaded in the wrong layout, which no shape check can
    see. ``x`` is one sample (inputs,) or a batch (batch, inputs). Raises ``ValueError`` naming the
    largest difference.
    """
    layers = as_layers(source)
    x = as_array("x", x, ndim=(1, 2))
    n_in = layers[0].W.shape[1]
    if x.shape[-1] != n_in:
        raise ValueError(f"x has shape {x.shape}, expected ({n_in},) or (batch, {n_in}): the network has {n_in} inputs")
    batch = x if x.ndim == 2 else x[None, :]
    dtype = dense_layers(model)[0].kernel.dtype
    got = _numpy("model output", model(batch.astype(dtype), training=False))
    want = mlp.forward(layers, batch.astype(np.float64)).output
    check_shape("model output", got, want.shape, "the reference output's shape")
    error = float(np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-30)))
    if not error <= rtol:
        raise ValueError(
            f"the model's output differs from the reference forward pass by a relative {error:.1e} "
            f"(allowed {rtol:.0e}): a kernel may hold W instead of W.T (a square W has the same shape "
            "in both layouts, so only this check can catch it)"
        )
    return got if x.ndim == 2 else got[0]
