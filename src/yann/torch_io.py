"""The book's parameters in PyTorch, and gradients and parameters back out, in the book's layout.

PyTorch's ``nn.Linear.weight`` has shape (outputs, inputs), the same layout as the book's ``W``,
so no transpose is involved anywhere in this module. What it adds is checking: every value goes in
with the shape it is expected to have, or is refused with an error that names the argument, its
shape and the expected shape. Nothing is ever reshaped or broadcast to fit.

Parameters are named ``W1, b1, W2, b2, ...`` (layer numbers start at 1). Importing this module
imports torch; ``import yann`` does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from .example import Example, as_layers
from .mlp import Layer
from .validate import as_array, check_choice, check_shape

ACTIVATIONS: Mapping[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "identity": nn.Identity,
}
_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def torch_dtype(dtype) -> torch.dtype:
    """``torch.float32`` or ``torch.float64`` from a numpy, torch or string dtype; refuse others."""
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


def tensor(name: str, value, *, dtype=np.float32, shape: tuple[int, ...] | None = None,
           requires_grad: bool = False) -> torch.Tensor:
    """A fresh torch tensor holding ``value`` (a copy), refused unless it has ``shape`` (if given)."""
    array = as_array(name, value)
    if shape is not None:
        check_shape(name, array, shape)
    result = torch.tensor(array, dtype=torch_dtype(dtype))
    return result.requires_grad_(requires_grad)


def parameter_tensors(source: Example | Sequence[Layer], dtype=np.float32) -> dict[str, torch.Tensor]:
    """Leaf tensors ``W1, b1, W2, b2, ...`` with ``requires_grad=True``; each ``W`` is (outputs, inputs)."""
    result: dict[str, torch.Tensor] = {}
    for i, layer in enumerate(as_layers(source), start=1):
        result[f"W{i}"] = tensor(f"W{i}", layer.W, dtype=dtype, requires_grad=True)
        result[f"b{i}"] = tensor(f"b{i}", layer.b, dtype=dtype, requires_grad=True)
    return result


def load_linear(linear: nn.Linear, W, b, *, name: str = "W") -> None:
    """Copy ``W`` (outputs, inputs) and ``b`` (outputs,) into ``linear``, in place and without tracking.

    A ``W`` of the wrong shape is refused, never reshaped; one in the transposed (inputs, outputs)
    layout of a Keras kernel is refused with a message saying so. ``name`` is the weight's name in
    messages (``W1``); the bias is named after it (``b1``).
    """
    if not isinstance(linear, nn.Linear):
        raise TypeError(f"linear is a {type(linear).__name__}, expected a torch.nn.Linear")
    if linear.bias is None:
        raise ValueError(f"the nn.Linear for {name} has no bias, expected one (bias=True)")
    bias_name = "b" + name[1:] if name.startswith("W") else f"bias of {name}"
    W = as_array(name, W, ndim=2)
    expected = tuple(linear.weight.shape)
    if W.shape != expected and W.shape == expected[::-1]:
        raise ValueError(
            f"{name} has shape {W.shape}, expected {expected} = (outputs, inputs) of "
            f"nn.Linear({expected[1]}, {expected[0]}); it looks transposed: nn.Linear.weight uses the "
            "book's (outputs, inputs) layout, not a Keras kernel's (inputs, outputs)"
        )
    check_shape(name, W, expected, f"(outputs, inputs) of nn.Linear({expected[1]}, {expected[0]})")
    b = as_array(bias_name, b, ndim=1)
    check_shape(bias_name, b, (expected[0],), f"(outputs,) of nn.Linear({expected[1]}, {expected[0]})")
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(W))
        linear.bias.copy_(torch.from_numpy(b))


def sequential(source: Example | Sequence[Layer], dtype=np.float32) -> nn.Sequential:
    """An ``nn.Sequential`` of ``nn.Linear`` and activation modules holding the given parameters."""
    modules: list[nn.Module] = []
    for i, layer in enumerate(as_layers(source), start=1):
        check_choice("activation", layer.activation, ACTIVATIONS)
        n_out, n_in = layer.W.shape
        linear = nn.Linear(n_in, n_out, dtype=torch_dtype(dtype))
        load_linear(linear, layer.W, layer.b, name=f"W{i}")
        modules += [linear, ACTIVATIONS[layer.activation]()]
    return nn.Sequential(*modules)


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The ``nn.Linear`` modules of ``model`` in the order they were registered."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model is a {type(model).__name__}, expected a torch.nn.Module")
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not layers:
        raise ValueError("model has no nn.Linear layers, expected at least one")
    return layers


def _named_tensors(source) -> dict[str, torch.Tensor]:
    if isinstance(source, nn.Module):
        named: dict[str, torch.Tensor] = {}
        for i, linear in enumerate(linear_layers(source), start=1):
            if linear.bias is None:
                raise ValueError(f"the nn.Linear for W{i} has no bias, expected one (bias=True)")
            named[f"W{i}"], named[f"b{i}"] = linear.weight, linear.bias
        return named
    if isinstance(source, Mapping):
        for name, value in source.items():
            if not isinstance(value, torch.Tensor):
                raise TypeError(f"{name} is a {type(value).__name__}, expected a torch.Tensor")
        return dict(source)
    raise TypeError(f"source is a {type(source).__name__}, expected an nn.Module or a dict of tensors")


def to_numpy(name: str, value: torch.Tensor, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A numpy copy of ``value`` (detached from autograd), refused unless it has ``shape`` (if given)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} is a {type(value).__name__}, expected a torch.Tensor")
    array = value.detach().cpu().numpy().copy()
    if shape is not None:
        check_shape(name, array, shape)
    return array


def parameters(source: nn.Module | Mapping[str, torch.Tensor]) -> dict[str, np.ndarray]:
    """The parameters ``W1, b1, ...`` as numpy arrays, ``W`` in (outputs, inputs) layout.

    ``source`` is a model built of ``nn.Linear`` layers or a dict of tensors such as
    :func:`parameter_tensors` returns.
    """
    return {name: to_numpy(name, value) for name, value in _named_tensors(source).items()}


def gradients(source: nn.Module | Mapping[str, torch.Tensor]) -> dict[str, np.ndarray]:
    """The gradients ``.grad`` of ``W1, b1, ...`` as numpy arrays, each in its parameter's shape.

    Refuses a parameter whose gradient is missing (``backward`` not called yet, or the parameter
    does not take part in the loss) instead of returning zeros.
    """
    result = {}
    for name, value in _named_tensors(source).items():
        if value.grad is None:
            raise ValueError(
                f"{name} has no gradient: call loss.backward() first, and check that {name} has "
                "requires_grad=True and takes part in the loss"
            )
        result[name] = to_numpy(f"gradient of {name}", value.grad, tuple(value.shape))
    return result
