"""The running example: 3 inputs -> 3 ReLU units -> 2 sigmoid outputs, binary cross-entropy.

Weights follow the book's convention: ``W`` has shape (outputs, inputs) and ``z = W a + b``.
The values are stored as decimal strings so they can be handed out exactly (sympy ``Rational``)
as well as in floating point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import sympy

from .mlp import Layer
from .validate import check_choice


@dataclass(frozen=True)
class Example:
    """An immutable set of named parameters that hands out numpy arrays and exact sympy values."""

    values: Mapping[str, tuple]  # name: decimal strings, or tuples of them (a matrix's rows)
    activations: tuple[str, ...]
    loss: str
    learning_rate: str

    def array(self, name: str, dtype=np.float64) -> np.ndarray:
        """A fresh numpy array of ``name`` (changing it never changes the example)."""
        check_choice("name", name, self.values)
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise TypeError(f"dtype is {np.dtype(dtype)}, expected float32 or float64")
        return np.array(self.values[name], dtype=np.float64).astype(dtype)

    def arrays(self, dtype=np.float64) -> dict[str, np.ndarray]:
        return {name: self.array(name, dtype) for name in self.values}

    def exact(self, name: str) -> sympy.Matrix:
        """``name`` as a sympy Matrix of Rationals: vectors become columns, matrices keep their shape."""
        check_choice("name", name, self.values)
        value = self.values[name]
        rows = value if isinstance(value[0], tuple) else tuple((v,) for v in value)
        return sympy.Matrix([[sympy.Rational(v) for v in row] for row in rows])

    def lr(self, exact: bool = False):
        return sympy.Rational(self.learning_rate) if exact else float(self.learning_rate)

    def layers(self, dtype=np.float64) -> list[Layer]:
        """The network as a list of yann ``Layer`` objects (weights W1, W2, ... and biases b1, b2, ...)."""
        return [
            Layer(self.array(f"W{i}", dtype), self.array(f"b{i}", dtype), activation)
            for i, activation in enumerate(self.activations, start=1)
        ]


RUNNING = Example(
    values=MappingProxyType({
        "x": ("0.23", "0.82", "0.47"),
        "y": ("1", "0"),
        "W1": (("0.1", "0.5", "0.3"), ("0.7", "0.2", "0.9"), ("0.4", "0.25", "0.75")),
        "b1": ("0", "0", "0"),
        "W2": (("0.9", "0.6", "0.4"), ("0.3", "0.8", "0.7")),
        "b2": ("0", "0"),
    }),
    activations=("relu", "sigmoid"),
    loss="bce",
    learning_rate="0.01",
)

# Values recorded by PyTorch (float32) in the original material, to the four places it printed.
# ``a2_9`` and ``loss_9`` are the same quantities to nine places; those digits are the exact values
# (float64 reproduces them), while float32 differs from the eighth place on (a2 = 0.772977412...).
REFERENCE: Mapping[str, tuple | float] = MappingProxyType({
    "a1": (0.5740, 0.7480, 0.6495),
    "a2": (0.7730, 0.7730),
    "a2_9": (0.772977358, 0.772986132),
    "loss": 0.8701,
    "loss_9": 0.870124846,
    "grad_W2": ((-0.0652, -0.0849, -0.0737), (0.2218, 0.2891, 0.2510)),
    "grad_b2": (-0.1135, 0.3865),
    "grad_W1": ((0.0032, 0.0113, 0.0065), (0.0555, 0.1977, 0.1133), (0.0518, 0.1846, 0.1058)),
    "grad_b1": (0.0138, 0.2411, 0.2251),
    "W1_after": ((0.1000, 0.4999, 0.2999), (0.6994, 0.1980, 0.8989), (0.3995, 0.2482, 0.7489)),
    "b1_after": (-0.0001, -0.0024, -0.0023),
    "W2_after": ((0.9007, 0.6008, 0.4007), (0.2978, 0.7971, 0.6975)),
    "b2_after": (0.0011, -0.0039),
})

# Half a unit in the last printed place: how closely a 4-place reference pins a value.
REFERENCE_ATOL = 5e-5
REFERENCE_9_ATOL = 5e-10


def reference(name: str) -> np.ndarray:
    """A recorded reference value as a float64 array (see ``REFERENCE_ATOL`` for its precision)."""
    check_choice("name", name, REFERENCE)
    return np.array(REFERENCE[name], dtype=np.float64)

