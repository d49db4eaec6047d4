"""The running example in PyTorch, for the chapters that compare many implementations.

Chapter 6 writes the idioms on the page (leaf tensors, ``nn.Linear`` loaded with ``copy_`` under
``torch.no_grad()``, ``.grad`` read back); this module is the same code behind checks. A bad
argument is refused with an error naming it, what it got and what was expected; nothing is
reshaped or broadcast. ``nn.Linear.weight`` is (outputs, inputs), the book's layout. Parameters
are named ``W1, b1, W2, b2, ...``. Importing this module imports torch; ``import yann`` does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from .example import Example, as_layers
from .mlp import Layer
from .validate import as_array, check_choice, check_finite, check_shape

ACTIVATIONS = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "identity": nn.Identity,
}
_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def _torch_dtype(dtype) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        name = str(dtype).removeprefix("torch.")
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = repr(dtype)
    if name not in _DTYPES:
        raise TypeError(f"dtype is {name}, expected float32 or float64")
    return _DTYPES[name]


def _cast(name: str, array: np.ndarray, dtype: torch.dtype) -> np.ndarray:
    """``array`` in ``dtype``, refused if the cast overflows (a finite 1e39 is inf in float32)."""
    with np.errstate(over="ignore"):
        cast = array.astype(str(dtype).removeprefix("torch."))
    if not np.isfinite(cast).all():
        raise ValueError(f"{name} holds values too large for {cast.dtype} (they become inf "
                         "when cast); expected finite numbers in that dtype")
    return cast


def tensor(name: str, value, *, dtype=np.float32, shape: tuple[int, ...] | None = None,
           requires_grad: bool = False) -> torch.Tensor:
    """A fresh torch tensor holding a copy of ``value``, refused unless it has ``shape`` (if given)."""
    if not isinstance(name, str):
        raise TypeError(f"name is a {type(name).__name__}, expected a str")
    array = as_array(name, value)
    if shape is not None:
        check_shape(name, array, shape)
    torch_dtype = _torch_dtype(dtype)
    result = torch.tensor(_cast(name, array, torch_dtype), dtype=torch_dtype)
    return result.requires_grad_(bool(requires_grad))


def sequential(source: Example | Sequence[Layer], dtype=np.float32) -> nn.Sequential:
    """Chapter 6's ``nn.Sequential`` of the layers of ``source`` (an Example or yann Layers)."""
    layers = as_layers(source)
    torch_dtype = _torch_dtype(dtype)
    for i, layer in enumerate(layers, start=1):
        check_choice(f"activation of layer {i}", layer.activation, ACTIVATIONS)
        _cast(f"W{i}", layer.W, torch_dtype)
        _cast(f"b{i}", layer.b, torch_dtype)
    return _sequential(layers, torch_dtype)


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


def _named_tensors(source) -> dict[str, torch.Tensor]:
    if isinstance(source, nn.Module):
        named: dict[str, torch.Tensor] = {}
        for i, linear in enumerate(_linear_layers(source), start=1):
            named[f"W{i}"], named[f"b{i}"] = linear.weight, linear.bias
        return named
    if isinstance(source, Mapping):
        if not source:
            raise ValueError("source is an empty dict, expected tensors named W1, b1, ...")
        for name, value in source.items():
            if not isinstance(value, torch.Tensor):
                raise TypeError(f"{name} is a {type(value).__name__}, expected a torch.Tensor")
        return dict(source)
    raise TypeError(
        f"source is a {type(source).__name__}, expected an nn.Module or a dict of tensors"
    )


def _to_numpy(name: str, value: torch.Tensor) -> np.ndarray:
    array = value.detach().cpu().numpy().copy()
    check_finite(name, array)
    return array


def parameters(source: nn.Module | Mapping[str, torch.Tensor]) -> dict[str, np.ndarray]:
    """``W1, b1, ...`` of a model of ``nn.Linear`` layers (or a dict of tensors) as numpy copies."""
    return {name: _to_numpy(name, value) for name, value in _named_tensors(source).items()}


def gradients(source: nn.Module | Mapping[str, torch.Tensor]) -> dict[str, np.ndarray]:
    """The ``.grad`` of ``W1, b1, ...`` as numpy copies; a missing one is refused, not zeroed."""
    result = {}
    for name, value in _named_tensors(source).items():
        if value.grad is None:
            raise ValueError(
                f"{name} has no gradient: call loss.backward() first, and check that {name} has "
                "requires_grad=True and takes part in the loss"
            )
        grad = _to_numpy(f"gradient of {name}", value.grad)
        check_shape(f"gradient of {name}", grad, tuple(value.shape))
        result[name] = grad
    return result
