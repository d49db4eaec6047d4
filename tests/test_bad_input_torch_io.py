"""Bad input to yann.torch_io: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np
from bad_input import LAYERS, NAN_X, NON_FINITE, Cases, X

CASES = Cases("yann.torch_io", needs={"yann.torch_io": "torch"})


def case(*args, **kwargs):
    """Every case here needs torch: skipped where it is not installed."""
    CASES.case(*args, needs="torch", **kwargs)


def torch_io():
    from yann import torch_io

    return torch_io


def nn():
    from torch import nn

    return nn


def torch():
    import torch

    return torch


def used_twice():
    hidden = nn().Linear(3, 3)
    return nn().Sequential(hidden, nn().ReLU(), hidden, nn().Linear(3, 2))


def out_of_order():
    return nn().Sequential(nn().Linear(3, 2), nn().Linear(3, 3))


def no_bias():
    return nn().Sequential(nn().Linear(3, 3, bias=False))


def nan_weight():
    model = torch_io().sequential(LAYERS)
    with torch().no_grad():
        model[2].weight[0, 0] = float("nan")
    return model


case("tensor", "shape", lambda: torch_io().tensor("x", X, shape=(2,)), ValueError,
     r"^x has shape \(3,\), expected \(2,\)$")
case("tensor", "column", lambda: torch_io().tensor("x", X.reshape(3, 1), shape=(3,)), ValueError,
     r"^x has shape \(3, 1\), expected \(3,\)$")
case("tensor", "non-finite", lambda: torch_io().tensor("x", NAN_X), ValueError, "^x " + NON_FINITE)
case("tensor", "overflow", lambda: torch_io().tensor("x", [1e39, 0.0]), ValueError,
     r"^x holds values too large for float32")
case("tensor", "dtype", lambda: torch_io().tensor("x", X, dtype="float16"), TypeError,
     r"^dtype is float16, expected float32 or float64$")
case("tensor", "name", lambda: torch_io().tensor(3, X), TypeError, r"^name is a int, expected a str$")
case("tensor", "strings", lambda: torch_io().tensor("x", ["a", "b"]), TypeError, r"^x must hold real numbers")
case("tensor", "torch-int-dtype", lambda: torch_io().tensor("x", X, dtype=torch().int64), TypeError,
     r"^dtype is int64, expected float32 or float64$")
case("torch_io.sequential", "dtype", lambda: torch_io().sequential(LAYERS, dtype="int8"), TypeError,
     r"^dtype is int8, expected float32 or float64$")
case("torch_io.sequential", "chain", lambda: torch_io().sequential([LAYERS[1], LAYERS[0]]), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\)")
case("torch_io.sequential", "empty", lambda: torch_io().sequential([]), ValueError,
     r"^layers is empty, expected at least one")
case("torch_io.sequential", "type", lambda: torch_io().sequential(np.ones((2, 3))), TypeError,
     r"^layers.* is a ndarray, expected .*yann.mlp.Layer")
case("torch_io.parameters", "type", lambda: torch_io().parameters([1]), TypeError,
     r"^source is a list, expected an nn.Module or a dict of tensors$")
case("torch_io.parameters", "numpy-in-dict", lambda: torch_io().parameters({"W1": np.ones(2)}), TypeError,
     r"^W1 is a ndarray, expected a torch.Tensor$")
case("torch_io.parameters", "empty-dict", lambda: torch_io().parameters({}), ValueError,
     r"^source is an empty dict, expected tensors named W1")
case("torch_io.parameters", "no-linear", lambda: torch_io().parameters(nn().ReLU()), ValueError,
     r"^model has no nn.Linear layers, expected at least one$")
case("torch_io.parameters", "used-twice", lambda: torch_io().parameters(used_twice()), ValueError,
     r"^model uses one nn.Linear\(3, 3\) twice, expected each layer once")
case("torch_io.parameters", "out-of-order", lambda: torch_io().parameters(out_of_order()), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\) = \(outputs, inputs\)")
case("torch_io.parameters", "no-bias", lambda: torch_io().parameters(no_bias()), ValueError,
     r"^the nn.Linear for W1 has no bias, expected one")
case("torch_io.parameters", "nan", lambda: torch_io().parameters(nan_weight()), ValueError,
     "^W2 " + NON_FINITE)
case("torch_io.gradients", "missing", lambda: torch_io().gradients(torch_io().sequential(LAYERS)), ValueError,
     r"^W1 has no gradient: call loss.backward\(\) first")
case("torch_io.gradients", "out-of-order", lambda: torch_io().gradients(out_of_order()), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\)")
case("torch_io.gradients", "type", lambda: torch_io().gradients("model"), TypeError,
     r"^source is a str, expected an nn.Module or a dict of tensors$")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
