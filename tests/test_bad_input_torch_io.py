"""Bad input to yann.torch_io: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np
from bad_input import LAYERS, NON_FINITE, W1, Cases, b1

from yann import mlp
from yann.example import RUNNING

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


case("torch_io.sequential", "dtype", lambda: torch_io().sequential(LAYERS, dtype="int8"), TypeError,
     r"^dtype is int8, expected float32 or float64$")
case("torch_io.sequential", "chain", lambda: torch_io().sequential([LAYERS[1], LAYERS[0]]), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\)")
case("torch_io.sequential", "empty", lambda: torch_io().sequential([]), ValueError,
     r"^layers is empty, expected at least one")
case("torch_io.sequential", "type", lambda: torch_io().sequential(np.ones((2, 3))), TypeError,
     r"^layers.* is a ndarray, expected .*yann.mlp.Layer")
case("torch_io.sequential", "example", lambda: torch_io().sequential(RUNNING), TypeError,
     r"^layers is a Example, expected a sequence of yann.mlp.Layer$")
case("torch_io.sequential", "one-layer", lambda: torch_io().sequential(LAYERS[0]), TypeError,
     r"^layers is a Layer, expected a sequence")
case("torch_io.sequential", "not-a-layer", lambda: torch_io().sequential([W1]), TypeError,
     r"^layers\[0\] is a ndarray, expected a yann.mlp.Layer")
case("torch_io.sequential", "mixed-dtypes",
     lambda: torch_io().sequential([LAYERS[0], RUNNING.layers(np.float32)[1]]), TypeError,
     r"^mismatched dtypes: W1 is float64, W2 is float32")
case("torch_io.sequential", "torch-dtype", lambda: torch_io().sequential(LAYERS, dtype=torch().int64),
     TypeError, r"^dtype is int64, expected float32 or float64$")
case("torch_io.sequential", "float32-overflow",
     lambda: torch_io().sequential([mlp.Layer(W1 * 1e39, b1, "relu")]), ValueError,
     r"^W1 holds values too large for float32 \(they become inf\)")
case("torch_io.parameters", "type", lambda: torch_io().parameters([1]), TypeError,
     r"^model is a list, expected an nn.Module of nn.Linear layers$")
case("torch_io.parameters", "dict", lambda: torch_io().parameters({"W1": np.ones(2)}), TypeError,
     r"^model is a dict, expected an nn.Module of nn.Linear layers$")
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
     r"^model is a str, expected an nn.Module of nn.Linear layers$")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
