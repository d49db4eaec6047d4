"""The harness of the bad-input suites (``tests/test_bad_input_*.py``, one per yann module).

Each case hands one kind of bad input to one public function: shapes that do not chain, a weight
matrix in the other layout (a Keras kernel's (inputs, outputs) instead of the book's
(outputs, inputs)), non-finite values, labels outside [0, 1] for binary cross-entropy, an unknown
activation or loss name, mismatched dtypes, or simply the wrong type. The call must raise
``ValueError`` or ``TypeError`` (the one given) and the message must match a regular expression
that names the argument, what it got and what was expected.

A suite is tied to its modules: ``Cases("yann.mlp")`` collects the cases of ``yann.mlp`` only, and
its coverage test fails if a public function of that module has no case in that suite. torch and
TensorFlow are imported only by the cases that need them, and a framework's cases are skipped when
the framework is not installed.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

import numpy as np
import pytest

from yann.example import RUNNING

# The running example, and bad versions of its values.
X, Y = RUNNING.array("x"), RUNNING.array("y")
W1, b1, W2, b2 = (RUNNING.array(name) for name in ("W1", "b1", "W2", "b2"))
LAYERS = RUNNING.layers()
NAN_X = np.array([0.23, np.nan, 0.47])
INF_B2 = np.array([0.0, np.inf])
ACTS = "'relu', 'sigmoid', 'tanh', 'identity'"
NON_FINITE = r"holds non-finite values \(nan or inf\); expected finite numbers"


def public_functions(module) -> set[str]:
    """Functions and argument-checking classes defined in ``module`` (not imported into it).

    Result classes (``Forward``, ``Trace`` ...) are built by yann, not by readers; their public
    methods are covered by name.
    """
    names = set()
    for attr, obj in vars(module).items():
        if attr.startswith("_") or not callable(obj) or getattr(obj, "__module__", None) != module.__name__:
            continue
        if isinstance(obj, type) and "__post_init__" not in vars(obj):
            continue
        names.add(attr)
    return names


class Cases:
    """The bad-input cases of some yann modules, and the two tests that run and count them.

    ``needs`` maps a module to what must be importable to test it (``{"yann.torch_io": "torch"}``);
    ``exempt`` names public functions that need no case: a chapter's code kept verbatim (it trusts
    its caller, as the chapter's cell does; the module's checked entry point has the cases).
    """

    def __init__(self, *modules: str, needs: dict[str, str] | None = None, exempt: set[str] = frozenset()):
        self.modules, self.needs, self.exempt = modules, needs or {}, set(exempt)
        self.params: list = []

    def case(self, function: str, kind: str, call: Callable[[], object], error: type[Exception],
             pattern: str, *, needs: str | None = None) -> None:
        """Register a case: ``call()`` must raise ``error`` with a message matching ``pattern``."""
        self.params.append(pytest.param(call, error, pattern, needs, id=f"{function}-{kind}"))

    def covered(self) -> set[str]:
        return {param.id.split("-")[0].rsplit(".", 1)[-1] for param in self.params}

    def tests(self):
        """The suite's two test functions; assign them to ``test_*`` names in the suite's module."""

        @pytest.mark.parametrize(("call", "error", "pattern", "needs"), self.params)
        def refused(call, error, pattern, needs):
            if needs:
                pytest.importorskip(needs)
            with pytest.raises((ValueError, TypeError)) as caught:
                call()
            assert isinstance(caught.value, error), (
                f"raised {type(caught.value).__name__}, expected {error.__name__}: {caught.value}"
            )
            message = str(caught.value)
            assert re.search(pattern, message), f"message {message!r} does not match {pattern!r}"

        @pytest.mark.parametrize("name", self.modules)
        def covered(name):
            if name in self.needs:
                pytest.importorskip(self.needs[name])
            module = importlib.import_module(name)
            missing = sorted(public_functions(module) - self.exempt - self.covered())
            assert not missing, f"public functions of {name} without a bad-input case: {missing}"

        return refused, covered
