"""Glue values into the book's prose, with fixed decimals; a no-op where myst-nb is missing.

In the book, ``{glue:text}`name``` shows a value computed in the notebook, so no result is typed by
hand. On Colab myst-nb is not installed and gluing is skipped silently.
"""

from __future__ import annotations

from .printing import fmt


class _Text:
    """Text that the book shows exactly as formatted.

    myst-nb's ``{glue:text}`` role passes the stored plain text through ``ast.literal_eval``: an
    unquoted ``1.2800`` would come back as the float 1.28 and lose its trailing zeros. Stored as a
    quoted string literal it comes back as the string itself.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return repr(self.text)


def glue(name: str, value, decimals: int | None = 4) -> None:
    """Store ``value`` under ``name`` for the book.

    Numbers, vectors and matrices are stored as text with ``decimals`` places. Pass
    ``decimals=None`` to glue an object as it is (a figure, a string, a sympy expression).
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name is {name!r}, expected a non-empty string")
    # Formatting checks the value, so a bad one fails on Colab too, where nothing is stored.
    if decimals is not None:
        value = _Text(fmt(value, decimals))
    elif isinstance(value, str):
        value = _Text(value)
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # Colab, or any environment without the book toolchain
        return
    myst_glue(name, value, display=False)
