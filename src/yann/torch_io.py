"""Chapter 6's PyTorch model of yann Layers (``nn.Linear.weight`` is the book's (outputs, inputs)
``W``: nothing is transposed), and its parameters and gradients read back as ``W1, b1, ...``.
Importing this module imports torch; ``import yann`` does not.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .mlp import Layer, _check_layers
from .validate import as_array, check_choice, check_finite, float_dtype

ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "identity": nn.Identity}


def sequential(layers: list[Layer], dtype=np.float32) -> nn.Sequential:
    """Chapter 6's ``nn.Sequential`` of yann ``layers``, after checking them."""
    layers = _check_layers(layers)
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


def _named(model: nn.Module) -> dict[str, torch.Tensor]:
    """``W1, b1, ...``: the ``nn.Linear`` modules of ``model`` in registration order, refused
    unless each is used once, has a bias and chains with the one before."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model is a {type(model).__name__}, expected an nn.Module of nn.Linear layers")
    linears = [m for _, m in model.named_modules(remove_duplicate=False) if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("model has no nn.Linear layers, expected at least one")
    named = {}
    for i, linear in enumerate(linears, start=1):
        if any(linear is before for before in linears[:i - 1]):
            raise ValueError(
                f"model uses one nn.Linear({linear.in_features}, {linear.out_features}) twice, "
                "expected each layer once (its gradient would hold both uses)"
            )
        width = linears[i - 2].out_features if i > 1 else linear.in_features
        if linear.in_features != width:
            raise ValueError(
                f"W{i} has shape {tuple(linear.weight.shape)}, expected ({linear.out_features}, "
                f"{width}) = (outputs, inputs): the nn.Linear layers of model, in registration "
                f"order, do not chain (layer {i - 1} has {width} outputs)"
            )
        if linear.bias is None:
            raise ValueError(f"the nn.Linear for W{i} has no bias, expected one (bias=True)")
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
        result[name] = _to_numpy(f"gradient of {name}", value.grad)
    return result
