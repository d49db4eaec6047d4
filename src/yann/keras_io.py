"""Chapter 9's Keras model of yann Layers, and its parameters and gradients read back in the
book's layout. Chapter 9 writes the idioms on the page (``dense.kernel.assign(W.T)``, a tape
around ``model(x, training=True)``); this module is the same code behind checks.

The layout rule: the book's ``W`` is (outputs, inputs); a ``Dense`` kernel is (inputs, outputs),
since it computes ``A @ kernel + bias`` on a batch of rows, so it holds ``W.T``. A square ``W``
fits both layouts, which is why chapter 9 checks a forward pass. Models must be a
``keras.Sequential`` of distinct, trainable, biased ``Dense`` layers: only there is the order of
``model.layers`` the order of the calls. TensorFlow is imported through :mod:`yann.tf_env`;
``import yann`` does not import it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .mlp import Layer, _check_layers
from .tf_env import keras
from .validate import as_array, check_choice, check_finite, check_shape, float_dtype

KERAS_ACTIVATIONS = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "identity": "linear"}


def sequential(layers: list[Layer], dtype="float32"):
    """A ``keras.Sequential`` (``keras.Input``, then one ``Dense`` per layer) holding ``layers``:
    each kernel receives ``W.T``."""
    layers, dtype = _check_layers(layers), float_dtype(dtype)
    denses = []
    for i, layer in enumerate(layers, start=1):
        check_choice(f"activation of layer {i}", layer.activation, KERAS_ACTIVATIONS)
        activation = KERAS_ACTIVATIONS[layer.activation]
        denses.append(keras.layers.Dense(layer.W.shape[0], activation=activation, dtype=dtype))
    model = keras.Sequential([keras.Input(shape=(layers[0].W.shape[1],), dtype=dtype), *denses])
    for i, (dense, layer) in enumerate(zip(denses, layers), start=1):
        dense.kernel.assign(as_array(f"W{i}", layer.W, dtype=dtype).T)  # the kernel is W.T
        dense.bias.assign(as_array(f"b{i}", layer.b, dtype=dtype))
    return model


def _dense_layers(model) -> list:
    """The ``Dense`` layers of ``model`` in call order; refuse any other architecture."""
    if not isinstance(model, keras.Sequential):
        why = ": only in a Sequential is the order of model.layers the call order"
        why = why if isinstance(model, keras.Model) else ""
        raise TypeError(f"model is a {type(model).__name__}, expected a keras.Sequential of Dense layers{why}")
    layers = list(model.layers)
    if not layers:
        raise ValueError("model has no layers, expected a keras.Sequential of Dense layers")
    for i, layer in enumerate(layers, start=1):
        where = f"model layer {i} ({layer.name!r})"
        if isinstance(layer, keras.Model):
            raise TypeError(f"model layer {i} is a nested {type(layer).__name__}, expected a Dense "
                            "layer: build one flat keras.Sequential")
        if not isinstance(layer, keras.layers.Dense):
            raise TypeError(f"model layer {i} is a {type(layer).__name__}, expected a Dense layer")
        first = next(j for j, other in enumerate(layers, start=1) if other is layer)
        if first != i:
            raise ValueError(f"model layer {i} is layer {first} again ({layer.name!r}): a layer "
                             "used twice shares its weights; expected distinct Dense layers")
        if not layer.built:
            raise ValueError(f"{where} is not built: start the Sequential with keras.Input(shape=(inputs,))")
        if not layer.use_bias:
            raise ValueError(f"{where} has no bias, expected use_bias=True")
    return layers


def _numpy(name: str, value) -> np.ndarray:
    if value is None:
        raise ValueError(
            f"{name} is None: the tape saw no path from the loss to this variable (was it "
            "used in the forward pass inside the `with tf.GradientTape()` block?)"
        )
    array = np.array(keras.ops.convert_to_numpy(value))
    check_finite(name, array)
    return array


def parameters(model) -> dict[str, np.ndarray]:
    """``W1, b1, ...`` of a ``keras.Sequential`` as numpy copies, each kernel read back as ``W``."""
    result = {}
    for i, dense in enumerate(_dense_layers(model), start=1):
        result[f"W{i}"] = _numpy(f"kernel {i}", dense.kernel).T.copy()
        result[f"b{i}"] = _numpy(f"bias {i}", dense.bias)
    return result


def gradients(model, grads) -> dict[str, np.ndarray]:
    """The list ``tape.gradient(loss, model.trainable_variables)`` returned, as numpy arrays
    named ``W1, b1, ...`` in the book's shapes (a kernel's gradient is read back transposed)."""
    layers = _dense_layers(model)
    if [id(v) for d in layers for v in (d.kernel, d.bias)] != [id(v) for v in model.trainable_variables]:
        raise ValueError(
            "model.trainable_variables are not kernel 1, bias 1, kernel 2, ... in order "
            "(is a layer frozen with trainable=False?); expected every Dense layer trainable"
        )
    if isinstance(grads, (Mapping, str)) or not hasattr(grads, "__len__"):
        raise TypeError(f"grads is a {type(grads).__name__}, expected the list that "
                        "tape.gradient(loss, model.trainable_variables) returns")
    if len(grads) != 2 * len(layers):
        raise ValueError(f"grads has {len(grads)} entries, expected {2 * len(layers)} (one per "
                         "variable of model.trainable_variables)")
    result = {}
    for i, dense in enumerate(layers, start=1):
        kernel = _numpy(f"gradient of kernel {i}", grads[2 * i - 2])
        check_shape(f"gradient of kernel {i}", kernel, tuple(dense.kernel.shape), "(inputs, outputs)")
        bias = _numpy(f"gradient of bias {i}", grads[2 * i - 1])
        check_shape(f"gradient of bias {i}", bias, tuple(dense.bias.shape), "(outputs,)")
        result[f"W{i}"], result[f"b{i}"] = kernel.T.copy(), bias
    return result
