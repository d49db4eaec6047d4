"""Bad input to yann.torch_io: refused with a message naming the argument and what was expected."""

from __future__ import annotations

import numpy as np

from yann.example import RUNNING

from bad_input import ACTS, INF_B2, LAYERS, NAN_X, NON_FINITE, OUTPUT, W1, W2, X, Y, Cases, b1, b2

CASES = Cases('yann.torch_io', needs={'yann.torch_io': 'torch'})
case = CASES.case

def torch_io():
    from yann import torch_io

    return torch_io


def linear():
    import torch

    return torch.nn.Linear(3, 2)


case("torch_dtype", "dtype", lambda: torch_io().torch_dtype("int32"), TypeError,
     r"^dtype is int32, expected float32 or float64$", needs="torch")
case("tensor", "shape", lambda: torch_io().tensor("x", X, shape=(2,)), ValueError,
     r"^x has shape \(3,\), expected \(2,\)$", needs="torch")
case("tensor", "non-finite", lambda: torch_io().tensor("x", NAN_X), ValueError, "^x " + NON_FINITE, needs="torch")
case("tensor", "dtype", lambda: torch_io().tensor("x", X, dtype="float16"), TypeError,
     r"^dtype is float16, expected float32 or float64$", needs="torch")
case("parameter_tensors", "dtype", lambda: torch_io().parameter_tensors(LAYERS, dtype=np.int64), TypeError,
     r"^dtype is int64, expected float32 or float64$", needs="torch")
case("load_linear", "transposed", lambda: torch_io().load_linear(linear(), W2.T, b2, name="W2"), ValueError,
     r"^W2 has shape \(3, 2\), expected \(2, 3\) = \(outputs, inputs\).*looks transposed", needs="torch")
case("load_linear", "shape", lambda: torch_io().load_linear(linear(), W1, b2, name="W2"), ValueError,
     r"^W2 has shape \(3, 3\), expected \(2, 3\) = \(outputs, inputs\)", needs="torch")
case("load_linear", "bias-shape", lambda: torch_io().load_linear(linear(), W2, b1, name="W2"), ValueError,
     r"^b2 has shape \(3,\), expected \(2,\) = \(outputs,\)", needs="torch")
case("load_linear", "non-finite", lambda: torch_io().load_linear(linear(), W2, INF_B2, name="W2"), ValueError,
     "^b2 " + NON_FINITE, needs="torch")
case("load_linear", "type", lambda: torch_io().load_linear("linear", W2, b2), TypeError,
     r"^linear is a str, expected a torch.nn.Linear$", needs="torch")
case("torch_io.sequential", "dtype", lambda: torch_io().sequential(LAYERS, dtype="int8"), TypeError,
     r"^dtype is int8, expected float32 or float64$", needs="torch")
case("torch_io.sequential", "chain", lambda: torch_io().sequential([LAYERS[1], LAYERS[0]]), ValueError,
     r"^W2 has shape \(3, 3\), expected \(3, 2\)", needs="torch")
case("linear_layers", "type", lambda: torch_io().linear_layers("model"), TypeError,
     r"^model is a str, expected a torch.nn.Module$", needs="torch")
case("to_numpy", "type", lambda: torch_io().to_numpy("a", np.ones(2)), TypeError,
     r"^a is a ndarray, expected a torch.Tensor$", needs="torch")
case("torch_io.parameters", "type", lambda: torch_io().parameters([1]), TypeError,
     r"^source is a list, expected an nn.Module or a dict of tensors$", needs="torch")
case("torch_io.gradients", "missing", lambda: torch_io().gradients(torch_io().sequential(LAYERS)), ValueError,
     r"^W1 has no gradient: call loss.backward\(\) first", needs="torch")


test_bad_input_is_refused, test_every_public_function_has_a_case = CASES.tests()
