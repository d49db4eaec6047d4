"""A fully connected network in numpy: forward pass, reverse-mode backward pass, SGD step.

The backward pass is written as vector-Jacobian products: each stage receives the gradient of the
loss with respect to its output and returns the gradient with respect to its input, so no Jacobian
matrix is ever formed. Inputs may be one sample (1-D, as in the book's equations) or a batch
(2-D, one sample per row); losses are means over every output of every sample.

Convention: a layer's ``W`` has shape (outputs, inputs) and computes ``z = W a + b``.

Cost: the work is the matrix products, three per layer and step (``z = a W^T`` forward, then
``grad^T a`` for the weights and ``grad W`` for the layer below; the first layer skips the last).
Everything else touches each value once or a few times: no loops over units or samples, no copies
of the weights. ``sgd_step`` writes each new weight matrix once and skips the conversions and shape
checks of ``Layer``, which its arrays cannot fail; it still checks that every new weight is finite.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .validate import (
    as_array,
    check_choice,
    check_finite,
    check_probability_labels,
    check_same_dtype,
    check_shape,
)

ACTIVATIONS = ("relu", "sigmoid", "tanh", "identity")
LOSSES = ("bce", "mse", "mae")


@dataclass(frozen=True)
class Layer:
    """One dense layer: ``activation(W a + b)`` with ``W`` of shape (outputs, inputs)."""

    W: np.ndarray
    b: np.ndarray
    activation: str

    def __post_init__(self) -> None:
        W = as_array("W", self.W, ndim=2)
        b = as_array("b", self.b, ndim=1)
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

    @property
    def shape(self) -> tuple[int, int]:
        return self.W.shape

    @classmethod
    def _trusted(cls, W: np.ndarray, b: np.ndarray, activation: str) -> Layer:
        """A Layer from arrays already known to have the right shapes and dtype (``sgd_step``'s).

        Skips ``__post_init__``'s conversions and shape checks; only finiteness, the one property
        a gradient step can break, is checked, with the same message as the full check.
        """
        check_finite("W", W)
        check_finite("b", b)
        layer = object.__new__(cls)
        object.__setattr__(layer, "W", W)
        object.__setattr__(layer, "b", b)
        object.__setattr__(layer, "activation", activation)
        return layer


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


def _check_layers(layers) -> None:
    if isinstance(layers, (Layer, str)) or not isinstance(layers, Sequence):
        raise TypeError(f"layers is a {type(layers).__name__}, expected a sequence of yann.mlp.Layer")


def _check_network(layers: Sequence[Layer], x: np.ndarray) -> None:
    _check_layers(layers)
    if len(layers) == 0:
        raise ValueError("layers is empty, expected at least one Layer")
    for i, layer in enumerate(layers, start=1):
        if not isinstance(layer, Layer):
            raise TypeError(f"layers[{i - 1}] is a {type(layer).__name__}, expected a yann.mlp.Layer")
    width = x.shape[-1]
    for i, layer in enumerate(layers, start=1):
        if i == 1 and layer.W.shape[1] != width and layer.W.shape[0] != width:
            n_in = layer.W.shape[1]
            expected = (n_in,) if x.ndim == 1 else (x.shape[0], n_in)
            raise ValueError(
                f"x has shape {x.shape}, expected {expected}: W1 of shape {layer.W.shape} = "
                f"(outputs, inputs) takes {n_in} inputs"
            )
        if layer.W.shape[1] != width:
            raise ValueError(
                f"W{i} has shape {layer.W.shape}, expected ({layer.W.shape[0]}, {width}) = "
                f"(outputs, inputs): its input has {width} values. "
                "Was it given in the (inputs, outputs) layout of a Keras kernel?"
                if layer.W.shape[0] == width
                else f"W{i} has shape {layer.W.shape}, expected (outputs, {width}) = (outputs, inputs): "
                f"its input has {width} values"
            )
        width = layer.W.shape[0]
    check_same_dtype({"x": x, **{f"W{i}": layer.W for i, layer in enumerate(layers, start=1)}})


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """Apply the activation ``name`` elementwise."""
    check_choice("activation", name, ACTIVATIONS)
    return _activate(name, as_array("z", z))


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    """``activate`` without the checks, for arguments already checked (``forward``, ``yann.trace``)."""
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "identity":
        return z
    check_choice("activation", name, ACTIVATIONS)
    raise AssertionError  # unreachable


def activation_vjp(name: str, grad_a: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Gradient with respect to ``z`` from the gradient with respect to ``a = f(z)``.

    Each activation's Jacobian is diagonal, so its vector-Jacobian product is an elementwise
    product; sigmoid and tanh reuse the forward output ``a``. ReLU uses derivative 0 at z = 0,
    as PyTorch and TensorFlow do. ``grad_a``, ``z`` and ``a`` have one shape and one dtype;
    ``a`` may be ``None`` for relu and identity, which do not need it.
    """
    check_choice("activation", name, ACTIVATIONS)
    z = as_array("z", z)
    grad_a = as_array("grad_a", grad_a)
    check_shape("grad_a", grad_a, z.shape, "the shape of z")
    arrays = {"grad_a": grad_a, "z": z}
    if a is not None or name in ("sigmoid", "tanh"):  # relu and identity do not read a
        if a is None:
            raise ValueError(f"a is None, expected the forward output {name}(z): {name}'s derivative uses it")
        a = as_array("a", a)
        check_shape("a", a, z.shape, "the shape of z")
        arrays["a"] = a
    check_same_dtype(arrays)
    return _activation_vjp(name, grad_a, z, a)


def _activation_vjp(name: str, grad_a: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``activation_vjp`` without the checks, for arguments already checked (``gradients``, ``yann.trace``)."""
    if name == "relu":
        return grad_a * (z > 0)
    if name == "sigmoid":
        return grad_a * a * (1 - a)
    if name == "tanh":
        return grad_a * (1 - a * a)
    if name == "identity":
        return grad_a
    check_choice("activation", name, ACTIVATIONS)
    raise AssertionError  # unreachable


def _checked_loss_arguments(
    name: str, output, y, losses: Sequence[str] = LOSSES
) -> tuple[np.ndarray, np.ndarray]:
    """``output`` and ``y`` as finite arrays of one shape (``y`` in ``output``'s dtype), or raise.

    ``name`` must be one of ``losses`` (``yann.trace`` knows one loss more). For ``"bce"`` the labels
    must lie in [0, 1] and the outputs strictly between 0 and 1.
    """
    check_choice("loss", name, losses)
    output = as_array("output", output, ndim=(1, 2))
    y = as_array("y", y)
    check_shape("y", y, output.shape, "the shape of output")
    if name == "bce":
        check_probability_labels("y", y)
        _check_probabilities(output)
    return output, y.astype(output.dtype, copy=False)


def _check_probabilities(output: np.ndarray) -> None:
    if output.min() <= 0 or output.max() >= 1:
        raise ValueError(
            f"output holds values in [{output.min():g}, {output.max():g}], expected values strictly "
            "between 0 and 1 for binary cross-entropy (a sigmoid output)"
        )


def loss_value(name: str, output: np.ndarray, y: np.ndarray) -> float:
    """Mean loss over every element: binary cross-entropy, squared error or absolute error."""
    output, y = _checked_loss_arguments(name, output, y)
    return _loss_value(name, output, y)


def _loss_value(name: str, output: np.ndarray, y: np.ndarray) -> float:
    """``loss_value`` without the checks."""
    if name == "bce":
        return float(-np.mean(y * np.log(output) + (1 - y) * np.log(1 - output)))
    if name == "mse":
        return float(np.mean((output - y) ** 2))
    if name == "mae":
        return float(np.mean(np.abs(output - y)))
    check_choice("loss", name, LOSSES)
    raise AssertionError  # unreachable


def loss_vjp(name: str, output: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of the mean loss with respect to the network's output (``y`` of the same shape)."""
    output, y = _checked_loss_arguments(name, output, y)
    return _loss_vjp(name, output, y)


def _loss_vjp(name: str, output: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``loss_vjp`` without the checks, for arguments already checked (``gradients``, ``yann.trace``)."""
    n = output.size
    if name == "bce":
        return (output - y) / (output * (1 - output) * n)
    if name == "mse":
        return 2 * (output - y) / n
    if name == "mae":
        return np.sign(output - y) / n
    check_choice("loss", name, LOSSES)
    raise AssertionError  # unreachable


def forward(layers: Sequence[Layer], x) -> Forward:
    """Run the network on ``x``: one sample of shape (inputs,) or a batch of shape (batch, inputs)."""
    x = as_array("x", x, ndim=(1, 2))
    _check_network(layers, x)
    zs, activations = [], []
    a = x
    for layer in layers:
        z = a @ layer.W.T  # (batch, in) @ (in, out): W.T is a view, BLAS reads W as it is stored
        z += layer.b  # in place: no second (batch, out) array
        a = _activate(layer.activation, z)
        zs.append(z)
        activations.append(a)
    return Forward(x=x, z=tuple(zs), a=tuple(activations))


def gradients(layers: Sequence[Layer], x, y, loss: str = "bce") -> Gradients:
    """The loss and every parameter's gradient, by reverse mode (vector-Jacobian products)."""
    check_choice("loss", loss, LOSSES)
    values = forward(layers, x)
    y = as_array("y", y, ndim=values.output.ndim)
    check_shape("y", y, values.output.shape, "the shape of the network's output")
    if loss == "bce":
        check_probability_labels("y", y)
        _check_probabilities(values.output)
    y = y.astype(values.output.dtype, copy=False)

    batched = values.x.ndim == 2
    grad = _loss_vjp(loss, values.output, y)
    grads_W, grads_b = [], []
    for i in reversed(range(len(layers))):
        layer = layers[i]
        grad = _activation_vjp(layer.activation, grad, values.z[i], values.a[i])
        a_in = values.a[i - 1] if i > 0 else values.x
        if batched:
            grads_W.append(grad.T @ a_in)
            grads_b.append(grad.sum(axis=0))
        else:
            grads_W.append(np.outer(grad, a_in))
            grads_b.append(grad)
        if i > 0:
            grad = grad @ layer.W
    return Gradients(
        loss=_loss_value(loss, values.output, y),
        W=tuple(reversed(grads_W)),
        b=tuple(reversed(grads_b)),
        forward=values,
    )


def _matches(grad, param: np.ndarray) -> bool:
    """Is ``grad`` a numpy array of the same shape and dtype as ``param``?"""
    return isinstance(grad, np.ndarray) and grad.shape == param.shape and grad.dtype == param.dtype


def sgd_step(layers: Sequence[Layer], grads: Gradients, learning_rate: float) -> list[Layer]:
    """New layers after one plain gradient-descent step: ``p - learning_rate * grad``."""
    _check_layers(layers)
    if not isinstance(grads, Gradients):
        raise TypeError(f"grads is a {type(grads).__name__}, expected yann.mlp.Gradients (what gradients() returns)")
    if isinstance(learning_rate, (bool, np.bool_)) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"learning_rate is a {type(learning_rate).__name__}, expected a positive number")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate is {learning_rate}, expected a positive finite number")
    if len(grads.W) != len(layers):
        raise ValueError(f"grads has {len(grads.W)} layers, expected {len(layers)} to match layers")
    dtype = layers[0].W.dtype.type
    lr = dtype(learning_rate)
    new_layers = []
    for i, (layer, gW, gb) in enumerate(zip(layers, grads.W, grads.b)):
        for what, g, p in (("W", gW, layer.W), ("b", gb, layer.b)):
            if np.shape(g) != p.shape:
                raise ValueError(
                    f"grads.{what}[{i}] has shape {np.shape(g)}, expected {p.shape} = the shape of {what}{i + 1}"
                )
        if not (_matches(gW, layer.W) and _matches(gb, layer.b)):
            # Unusual gradients (lists, another dtype): the general path converts and checks all.
            new_layers.append(Layer(layer.W - lr * gW, layer.b - lr * gb, layer.activation))
            continue
        # W - lr * gW with one new array: -lr * gW is computed into it and W is added in place.
        # The result is bit for bit that of the plain expression, which would make two arrays.
        W = np.multiply(gW, -lr)
        W += layer.W
        b = np.multiply(gb, -lr)
        b += layer.b
        new_layers.append(Layer._trusted(W, b, layer.activation))
    return new_layers
