"""A fully connected network in numpy: forward pass, reverse-mode backward pass, SGD step.

The computation is three small pieces of code that chapter 5 (``ch-backprop``) writes on the page
and this module holds verbatim (a test compares them): the table of activations with their
derivatives, the table of losses with their gradients, ``forward_pass`` and ``backprop``. They work
on a batch of samples stacked as rows; one sample is a batch of one row, so the row ``delta`` is
the row vector of the left-to-right Jacobian product. They trust their arguments.

The reader-facing functions check their arguments, then call those pieces: ``Layer``, ``forward``,
``gradients`` and ``sgd_step``. They accept one sample as a 1-D vector (as in the
book's equations) or a batch as a 2-D array, one sample per row. Every loss is a mean: over every
output of every sample, except ``"half_sse"``, the total error of the classic worked example,
``sum_k (a_k - y_k)**2 / 2`` per sample, averaged over the samples of a batch.

Convention: a layer's ``W`` has shape (outputs, inputs) and computes ``z = W a + b``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .validate import as_array, check_choice, check_finite, check_probability_labels, check_same_dtype, check_shape

# --- the code of chapter 5, verbatim ----------------------------------------------------------------

ACTIVATIONS = {  # name: (f(z), f'(z) written with a = f(z) where simpler)
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: z > 0),  # f'(0) = 0
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (np.tanh, lambda z, a: 1 - a * a),
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
}

LOSSES = {  # name: (E(a, y), dE/da), for outputs a with one sample a row
    "bce": (lambda a, y: -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)),
            lambda a, y: (a - y) / (a * (1 - a) * a.size)),
    "mse": (lambda a, y: np.mean((a - y) ** 2),
            lambda a, y: 2 * (a - y) / a.size),
    "mae": (lambda a, y: np.mean(np.abs(a - y)),
            lambda a, y: np.sign(a - y) / a.size),
    "half_sse": (lambda a, y: np.sum((a - y) ** 2) / (2 * len(a)),
                 lambda a, y: (a - y) / len(a)),
}


def forward_pass(layers, x):
    """Every z and a of the network, for inputs x with one sample a row."""
    zs, activations = [], [x]  # activations[0] is the input
    for layer in layers:
        zs.append(activations[-1] @ layer.W.T + layer.b)
        activations.append(ACTIVATIONS[layer.activation][0](zs[-1]))
    return zs, activations


def backprop(layers, zs, activations, y, loss="bce"):
    """The gradients of the loss for every W and b, one VJP at a time."""
    delta = LOSSES[loss][1](activations[-1], y)  # dE/da of the output: J(E)
    grads_W, grads_b = [None] * len(layers), [None] * len(layers)
    for l in reversed(range(len(layers))):
        f_prime = ACTIVATIONS[layers[l].activation][1]
        delta = delta * f_prime(zs[l], activations[l + 1])  # times J(f)
        grads_W[l] = delta.T @ activations[l]  # times J_W: the outer product
        grads_b[l] = delta.sum(axis=0)  # times J_b = I (a batch: summed)
        if l > 0:
            delta = delta @ layers[l].W  # times J_a = W: one layer down
    return grads_W, grads_b


# --- the reader-facing functions --------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One dense layer: ``activation(W a + b)`` with ``W`` of shape (outputs, inputs).

    ``W`` and ``b`` are copies of the arrays given, so changing those later never changes the layer.
    """

    W: np.ndarray
    b: np.ndarray
    activation: str

    def __post_init__(self) -> None:
        W = as_array("W", self.W, ndim=2).copy()
        b = as_array("b", self.b, ndim=1).copy()
        if W.size == 0:
            raise ValueError(f"W has shape {W.shape}, expected at least one output and one input")
        if b.shape == (W.shape[1],) and W.shape[0] != W.shape[1]:
            raise ValueError(
                f"W has shape {W.shape}, expected {W.shape[::-1]} = (outputs, inputs) to match b of "
                f"shape {b.shape}; W looks transposed, as in the (inputs, outputs) layout of a Keras kernel"
            )
        check_shape("b", b, (W.shape[0],), f"(outputs,) to match W of shape {W.shape} = (outputs, inputs)")
        check_same_dtype({"W": W, "b": b})
        check_choice("activation", self.activation, ACTIVATIONS)
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", b)


@dataclass(frozen=True)
class Forward:
    """Everything the forward pass computed: the input and, per layer, ``z`` and ``a``."""

    x: np.ndarray
    z: tuple[np.ndarray, ...]
    a: tuple[np.ndarray, ...]

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]


@dataclass(frozen=True)
class Gradients:
    """The loss and the gradient of each layer's ``W`` and ``b``, in the parameters' own shapes."""

    loss: float
    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    forward: Forward


def _check_layers(layers, name: str = "layers") -> list[Layer]:
    """``layers`` as a list of ``Layer`` whose shapes chain, or raise naming the first that does not."""
    if isinstance(layers, (Layer, str, np.ndarray)) or not isinstance(layers, Sequence):
        raise TypeError(f"{name} is a {type(layers).__name__}, expected a sequence of yann.mlp.Layer")
    if len(layers) == 0:
        raise ValueError(f"{name} is empty, expected at least one Layer")
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"{name}[{i}] is a {type(layer).__name__}, expected a yann.mlp.Layer")
    for i in range(1, len(layers)):
        (n_out, n_in), width = layers[i].W.shape, layers[i - 1].W.shape[0]
        if n_in != width:
            hint = (" Was it given in the (inputs, outputs) layout of a Keras kernel?"
                    if n_out == width else "")
            raise ValueError(
                f"W{i + 1} has shape {(n_out, n_in)}, expected ({n_out}, {width}) = (outputs, inputs): "
                f"its input has {width} values.{hint}"
            )
    check_same_dtype({f"W{i}": layer.W for i, layer in enumerate(layers, start=1)})
    return list(layers)


def _checked_input(layers, x) -> tuple[list[Layer], np.ndarray]:
    """The checked layers and ``x`` (one sample, 1-D, or a batch, 2-D, in the layers' dtype), or raise."""
    layers = _check_layers(layers)
    x = as_array("x", x, ndim=(1, 2))
    n_in = layers[0].W.shape[1]
    if x.shape[-1] != n_in:
        expected = (n_in,) if x.ndim == 1 else (x.shape[0], n_in)
        hint = (" (or is W1 transposed, in the (inputs, outputs) layout of a Keras kernel?)"
                if layers[0].W.shape[0] == x.shape[-1] else "")
        raise ValueError(
            f"x has shape {x.shape}, expected {expected}: W1 of shape {layers[0].W.shape} = "
            f"(outputs, inputs) takes {n_in} inputs{hint}"
        )
    check_same_dtype({"x": x, **{f"W{i}": layer.W for i, layer in enumerate(layers, start=1)}})
    return layers, x


def _checked_target(loss: str, output: np.ndarray, y) -> np.ndarray:
    """``y`` for the loss ``loss`` against ``output`` (any shape), in ``output``'s dtype, or raise."""
    y = as_array("y", y, ndim=output.ndim, dtype=output.dtype)
    check_shape("y", y, output.shape, "the shape of the network's output")
    if loss == "bce":
        check_probability_labels("y", y)
        if output.min() <= 0 or output.max() >= 1:
            raise ValueError(
                f"output holds values in [{output.min():g}, {output.max():g}], expected values strictly "
                "between 0 and 1 for binary cross-entropy (a sigmoid output)"
            )
    return y


def forward(layers: Sequence[Layer], x) -> Forward:
    """Run the network on ``x``: one sample of shape (inputs,) or a batch of shape (batch, inputs)."""
    layers, x = _checked_input(layers, x)
    zs, activations = forward_pass(layers, np.atleast_2d(x))
    if x.ndim == 1:
        zs, activations = [z[0] for z in zs], [a[0] for a in activations]
    return Forward(x=x, z=tuple(zs), a=tuple(activations[1:]))


def gradients(layers: Sequence[Layer], x, y, loss: str = "bce") -> Gradients:
    """The loss and every parameter's gradient, by reverse mode (``backprop``)."""
    check_choice("loss", loss, LOSSES)
    layers, x = _checked_input(layers, x)
    zs, activations = forward_pass(layers, np.atleast_2d(x))
    output = activations[-1] if x.ndim == 2 else activations[-1][0]
    y = np.atleast_2d(_checked_target(loss, output, y))
    grads_W, grads_b = backprop(layers, zs, activations, y, loss)
    value = float(LOSSES[loss][0](activations[-1], y))
    check_finite("the loss", np.array(value))
    if x.ndim == 1:
        zs, activations = [z[0] for z in zs], [a[0] for a in activations]
    return Gradients(
        loss=value, W=tuple(grads_W), b=tuple(grads_b),
        forward=Forward(x=x, z=tuple(zs), a=tuple(activations[1:])),
    )


def sgd_step(layers: Sequence[Layer], grads: Gradients, learning_rate: float) -> list[Layer]:
    """New layers after one plain gradient-descent step: ``p - learning_rate * grad``."""
    layers = _check_layers(layers)
    if not isinstance(grads, Gradients):
        raise TypeError(f"grads is a {type(grads).__name__}, expected yann.mlp.Gradients (what gradients() returns)")
    lr = _check_learning_rate(learning_rate, layers[0].W.dtype)
    for what in ("W", "b"):
        if len(getattr(grads, what)) != len(layers):
            raise ValueError(
                f"grads.{what} has {len(getattr(grads, what))} arrays, expected {len(layers)}: one per layer"
            )
    new_layers = []
    for i, layer in enumerate(layers):
        new = {}
        for what in ("W", "b"):
            param = getattr(layer, what)
            g = as_array(f"grads.{what}[{i}]", getattr(grads, what)[i], dtype=param.dtype)
            check_shape(f"grads.{what}[{i}]", g, param.shape, f"the shape of {what}{i + 1}")
            with np.errstate(over="ignore", invalid="ignore"):  # Layer refuses inf and nan
                new[what] = param - lr * g
        new_layers.append(Layer(new["W"], new["b"], layer.activation))
    return new_layers


def _check_learning_rate(learning_rate, dtype=np.float64):
    """``learning_rate`` as a positive finite number of ``dtype``, or raise."""
    if isinstance(learning_rate, (bool, np.bool_)) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"learning_rate is a {type(learning_rate).__name__}, expected a positive number")
    with np.errstate(over="ignore"):
        lr = np.dtype(dtype).type(learning_rate)
    if not (np.isfinite(learning_rate) and learning_rate > 0 and np.isfinite(lr) and lr > 0):
        raise ValueError(f"learning_rate is {learning_rate}, expected a positive finite number in {np.dtype(dtype)}")
    return lr
