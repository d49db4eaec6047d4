"""The running example in PyTorch, for the chapters that compare many implementations.

Chapter 6 writes the idioms on the page (``nn.Linear`` loaded with ``copy_`` under
``torch.no_grad()``, ``.grad`` read back); this module is the same code behind checks. Leaf
tensors need no helper: the chapters write ``torch.tensor(..., requires_grad=True)``.

The layout rule: ``nn.Linear.weight`` is (outputs, inputs), the book's ``W``, so nothing is
transposed. Parameters are named ``W1, b1, W2, b2, ...``. Importing this module imports torch;
``import yann`` does not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from .example import Example, as_layers
from .mlp import Layer
from .validate import as_array, check_choice, check_finite, check_shape, float_dtype

ACTIVATIONS = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "identity": nn.Identity,
}


def sequential(source: Example | Sequence[Layer], dtype=np.float32) -> nn.Sequential:
    """Chapter 6's ``nn.Sequential`` of the layers of ``source`` (an Example or yann Layers)."""
    layers = as_layers(source)
    dtype = float_dtype(dtype)
    for i, layer in enumerate(layers, start=1):
        check_choice(f"activation of layer {i}", layer.activation, ACTIVATIONS)
        as_array(f"W{i}", layer.W, dtype=dtype)  # refused if the cast overflows to inf
        as_array(f"b{i}", layer.b, dtype=dtype)
    return _sequential(layers, getattr(torch, dtype))


def _sequential(layers, dtype=torch.float32):
    """Chapter 6's function, unchanged: the checks are in :func:`sequential`."""
    modules = []
    for layer in layers:
        n_out, n_in = layer.W.shape  # (outputs, inputs), as nn.Linear stores it
        linear = nn.Linear(n_in, n_out, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer.W))
            linear.bias.copy_(torch.tensor(layer.b))
        modules += [linear, ACTIVATIONS[layer.activation]()]
    return nn.Sequential(*modules)


def _linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The ``nn.Linear`` modules of ``model`` in registration order, refused unless they chain."""
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model is a {type(model).__name__}, expected an nn.Module of nn.Linear layers"
        )
    every = [m for _, m in model.named_modules(remove_duplicate=False) if isinstance(m, nn.Linear)]
    layers = []
    for linear in every:
        if any(linear is seen for seen in layers):
            raise ValueError(
                f"model uses one nn.Linear({linear.in_features}, {linear.out_features}) twice, "
                "expected each layer once (its gradient would hold both uses)"
            )
        layers.append(linear)
    if not layers:
        raise ValueError("model has no nn.Linear layers, expected at least one")
    for i in range(1, len(layers)):
        before, this = layers[i - 1], layers[i]
        if this.in_features != before.out_features:
            raise ValueError(
                f"W{i + 1} has shape {tuple(this.weight.shape)}, expected "
                f"({this.out_features}, {before.out_features}) = (outputs, inputs): the nn.Linear "
                f"layers of model, in registration order, do not chain (layer {i} has "
                f"{before.out_features} outputs)"
            )
    for i, linear in enumerate(layers, start=1):
        if linear.bias is None:
            raise ValueError(f"the nn.Linear for W{i} has no bias, expected one (bias=True)")
    return layers


def _named(model: nn.Module) -> dict[str, torch.Tensor]:
    named = {}
    for i, linear in enumerate(_linear_layers(model), start=1):
        named[f"W{i}"], named[f"b{i}"] = linear.weight, linear.bias
    return named


def _to_numpy(name: str, value: torch.Tensor) -> np.ndarray:
    array = value.detach().cpu().numpy().copy()
    check_finite(name, array)
    return array


def parameters(model: nn.Module) -> dict[str, np.ndarray]:
    """``W1, b1, ...`` of a model of ``nn.Linear`` layers as numpy copies."""
    return {name: _to_numpy(name, value) for name, value in _named(model).items()}


def gradients(model: nn.Module) -> dict[str, np.ndarray]:
    """The ``.grad`` of ``W1, b1, ...`` as numpy copies; a missing one is refused, not zeroed."""
    result = {}
    for name, value in _named(model).items():
        if value.grad is None:
            raise ValueError(
                f"{name} has no gradient: call loss.backward() first, and check that {name} has "
                "requires_grad=True and takes part in the loss"
            )
        grad = _to_numpy(f"gradient of {name}", value.grad)
        check_shape(f"gradient of {name}", grad, tuple(value.shape))
        result[name] = grad
    return result
