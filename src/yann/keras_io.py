"""The running example in Keras, and gradients and parameters read back in the book's layout.

For the chapters that compare many implementations. Chapter 9 writes the idioms on the page
(``dense.kernel.assign(W.T)``, a tape around ``model(x, training=True)``); this module is the same
code behind the checks that a loop over many runs needs. A tape around ``tf.Variable`` objects
needs no helper: the chapters write it themselves.

The layout rule: the book's ``W`` is (outputs, inputs); a ``Dense`` kernel is (inputs, outputs),
since it computes ``A @ kernel + bias`` on a batch of rows, so it holds ``W.T``. A square ``W``
fits both layouts; :func:`check_forward` is the check that sees it. Models must be a
``keras.Sequential`` of distinct, trainable, biased ``Dense`` layers: only there is the order of
``model.layers`` the order of the calls. TensorFlow is imported through :mod:`yann.tf_env`;
``import yann`` does not import it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from . import mlp
from .example import Example, as_layers
from .mlp import Layer
from .tf_env import keras
from .validate import as_array, check_finite, check_shape, float_dtype

KERAS_ACTIVATIONS = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh",
                     "identity": "linear"}


# --- Keras models ----------------------------------------------------------------------------


def sequential(source: Example | Sequence[Layer], dtype="float32"):
    """A ``keras.Sequential`` (``keras.Input``, then one ``Dense`` per layer) holding the layers.

    Each kernel receives ``W.T``. For float64, build the model inside :func:`floatx` so that the
    optimizer and metrics are float64 too.
    """
    layers = as_layers(source)
    dtype = float_dtype(dtype)
    denses = []
    for i, layer in enumerate(layers, start=1):
        if layer.activation not in KERAS_ACTIVATIONS:
            raise ValueError(
                f"layer {i} has activation {layer.activation!r}, expected one of "
                f"{', '.join(map(repr, KERAS_ACTIVATIONS))}"
            )
        denses.append(keras.layers.Dense(
            layer.W.shape[0], activation=KERAS_ACTIVATIONS[layer.activation], dtype=dtype
        ))
    model = keras.Sequential(
        [keras.Input(shape=(layers[0].W.shape[1],), dtype=dtype)] + denses
    )
    for i, (dense, layer) in enumerate(zip(denses, layers), start=1):
        dense.kernel.assign(as_array(f"W{i}", layer.W, dtype=dtype).T)  # the kernel is W.T
        dense.bias.assign(as_array(f"b{i}", layer.b, dtype=dtype))
    return model


def _dense_layers(model) -> list:
    """The ``Dense`` layers of ``model`` in call order; refuse any other architecture."""
    if not isinstance(model, keras.Sequential):
        kind = type(model).__name__
        why = ("" if not isinstance(model, keras.Model) else
               ": only in a Sequential is the order of model.layers the call order")
        raise TypeError(f"model is a {kind}, expected a keras.Sequential of Dense layers{why}")
    layers = list(model.layers)
    if not layers:
        raise ValueError("model has no layers, expected a keras.Sequential of Dense layers")
    seen: dict[int, int] = {}
    for i, layer in enumerate(layers, start=1):
        if isinstance(layer, keras.Model):
            raise TypeError(
                f"model layer {i} is a nested {type(layer).__name__}, expected a Dense "
                "layer: build one flat keras.Sequential"
            )
        if not isinstance(layer, keras.layers.Dense):
            raise TypeError(f"model layer {i} is a {type(layer).__name__}, expected a Dense layer")
        if id(layer) in seen:
            raise ValueError(
                f"model layer {i} is layer {seen[id(layer)]} again ({layer.name!r}): a layer "
                "used twice shares its weights; expected distinct Dense layers"
            )
        seen[id(layer)] = i
        if not layer.built:
            raise ValueError(
                f"model layer {i} ({layer.name!r}) is not built: start the Sequential "
                "with keras.Input(shape=(inputs,))"
            )
        if not layer.use_bias:
            raise ValueError(
                f"model layer {i} ({layer.name!r}) has no bias, expected use_bias=True"
            )
    return layers


@contextlib.contextmanager
def floatx(dtype) -> Iterator[str]:
    """Set Keras's default float type for the block, then restore it.

    Keras makes an optimizer's learning rate and a model's metrics in the default float type
    (float32), whatever the model's dtype; a float64 run builds model, optimizer and ``compile``
    inside ``with floatx("float64"):`` so that no float32 value slips in.
    """
    name = float_dtype(dtype)
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
            f"{name} is None: the tape saw no path from the loss to this variable (was it "
            "used in the forward pass inside the `with tf.GradientTape()` block?)"
        )
    array = np.array(keras.ops.convert_to_numpy(value))
    check_finite(name, array)
    return array


def parameters(model) -> dict[str, np.ndarray]:
    """``W1, b1, ...`` of a ``keras.Sequential`` as numpy copies; each kernel is read back as
    ``kernel.T``, the book's (outputs, inputs) ``W``."""
    result = {}
    for i, dense in enumerate(_dense_layers(model), start=1):
        result[f"W{i}"] = _numpy(f"kernel {i}", dense.kernel).T.copy()
        result[f"b{i}"] = _numpy(f"bias {i}", dense.bias)
    return result


def gradients(model, grads) -> dict[str, np.ndarray]:
    """The list that ``tape.gradient(loss, model.trainable_variables)`` returned, as numpy arrays
    named ``W1, b1, ...`` in the book's shapes (a kernel's gradient is read back transposed)."""
    layers = _dense_layers(model)
    expected = [v for dense in layers for v in (dense.kernel, dense.bias)]
    if [id(v) for v in expected] != [id(v) for v in model.trainable_variables]:
        raise ValueError(
            "model.trainable_variables are not kernel 1, bias 1, kernel 2, ... in order "
            "(is a layer frozen with trainable=False?); expected every Dense layer trainable"
        )
    if isinstance(grads, (Mapping, str)) or not hasattr(grads, "__len__"):
        raise TypeError(
            f"grads is a {type(grads).__name__}, expected the list that "
            "tape.gradient(loss, model.trainable_variables) returns"
        )
    if len(grads) != len(expected):
        raise ValueError(
            f"grads has {len(grads)} entries, expected {len(expected)} (one per variable "
            "of model.trainable_variables)"
        )
    result = {}
    for i, dense in enumerate(layers, start=1):
        kernel = _numpy(f"gradient of kernel {i}", grads[2 * i - 2])
        check_shape(f"gradient of kernel {i}", kernel, tuple(dense.kernel.shape),
                    "(inputs, outputs)")
        result[f"W{i}"] = kernel.T.copy()
        result[f"b{i}"] = _numpy(f"gradient of bias {i}", grads[2 * i - 1])
        check_shape(f"gradient of bias {i}", result[f"b{i}"], tuple(dense.bias.shape),
                    "(outputs,)")
    return result


def check_forward(model, source: Example | Sequence[Layer], x, *,
                  rtol: float = 1e-5) -> np.ndarray:
    """Run ``model`` on ``x``, compare with the numpy forward pass; return the model's output.

    ``x`` is one sample (inputs,) or a batch (batch, inputs). When the outputs differ, the
    message says which kernels differ from ``W.T`` of ``source``: exactly ``W`` (the layout
    bug, invisible to a shape check when ``W`` is square) or something else.
    """
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not rtol > 0 \
            or not np.isfinite(rtol):
        raise ValueError(f"rtol is {rtol!r}, expected a positive finite number")
    layers = as_layers(source)
    denses = _dense_layers(model)
    x = as_array("x", x, ndim=(1, 2))
    n_in = layers[0].W.shape[1]
    if x.shape[-1] != n_in:
        raise ValueError(
            f"x has shape {x.shape}, expected ({n_in},) or (batch, {n_in}): "
            f"the network has {n_in} inputs"
        )
    kernels = [tuple(d.kernel.shape) for d in denses]
    wanted = [layer.W.shape[::-1] for layer in layers]
    if kernels != wanted:
        raise ValueError(
            f"model has kernels of shapes {kernels}, expected {wanted} = (inputs, outputs), "
            "the transposes of the source's W"
        )
    batch = x if x.ndim == 2 else x[None, :]
    dtype = denses[0].kernel.dtype
    batch = as_array("x", batch, dtype=dtype)
    got = _numpy("model output", model(batch, training=False))
    # The reference sees what the model sees: inputs and weights rounded to the model's dtype.
    rounded = [Layer(layer.W.astype(dtype).astype(np.float64),
                     layer.b.astype(dtype).astype(np.float64), layer.activation)
               for layer in layers]
    fw = mlp.forward(rounded, batch.astype(np.float64))
    want = fw.output
    check_shape("model output", got, want.shape, "the reference output's shape")
    # Rounding errors scale with the sums' terms, not with a sum that cancels to near 0.
    inputs = [fw.x] + list(fw.a[:-1])
    scale = max(float(np.max(np.abs(a) @ np.abs(layer.W).T + np.abs(layer.b)))
                for a, layer in zip(inputs, rounded))
    error = float(np.max(np.abs(got - want))) / max(scale, np.finfo(np.float64).tiny)
    if error <= rtol:
        return got if x.ndim == 2 else got[0]
    params = parameters(model)
    holds_W = [i for i, layer in enumerate(rounded, start=1)
               if not np.allclose(params[f"W{i}"], layer.W, rtol=rtol, atol=0)
               and np.allclose(params[f"W{i}"], layer.W.T, rtol=rtol, atol=0)]
    if holds_W:
        which = ", ".join(f"kernel {i}" for i in holds_W)
        cause = f"model {which} holds W, not W.T (a square W fits both layouts)"
    else:
        cause = "model weights or activations differ from the source's"
    raise ValueError(
        f"{cause}.\nThe model's output differs from the numpy forward pass by {error:.1e}\n"
        f"(relative to the size of the sums' terms; allowed {rtol:.0e})."
    )
