"""Glue values into the book's prose, with fixed decimals, with or without the book toolchain.

In the book, ``{glue:text}`name``` shows a value computed in the notebook, so no result is typed by
hand. The value travels in the notebook's outputs: ``glue`` displays one hidden output whose data is
stored under ``application/papermill.record/<mime type>`` and whose metadata names the key, exactly
the record that myst-nb's own ``glue(name, value, display=False)`` writes. yann writes it itself, so
the recorded outputs come out of the code wherever the chapter runs (Colab, a plain Jupyter, nbval
without myst-nb), and myst-nb reads them when it builds the book. Outside a notebook kernel (a
plain Python script) there is nowhere to store the record and ``glue`` only checks the value.
"""

from __future__ import annotations

from .printing import fmt

#: The prefix myst-nb (and papermill's scrapbook before it) puts before each mime type of a record.
GLUE_PREFIX = "application/papermill.record/"


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


def _record(name: str, value, formatter=None) -> tuple[dict, dict]:
    """The ``(data, metadata)`` of the display output that stores ``value`` under ``name``.

    Text is stored as its quoted ``repr`` under ``text/plain``; any other object is formatted by
    IPython's display formatter (``formatter``: the running shell's, which knows figures), as
    myst-nb does. Every mime type is prefixed, so Jupyter shows nothing and the book finds it.
    """
    if isinstance(value, _Text):
        bundle, metadata = {"text/plain": repr(value)}, {}
    else:
        if formatter is None:
            from IPython.core.formatters import DisplayFormatter

            formatter = DisplayFormatter()
        bundle, metadata = formatter.format(value)
    metadata = dict(metadata)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    return {GLUE_PREFIX + mime: data for mime, data in bundle.items()}, metadata


def _shell():
    """The running IPython shell (a notebook kernel), or None in plain Python."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def glue(name: str, value, decimals: int | None = 4) -> None:
    """Store ``value`` under ``name`` for the book.

    Numbers, vectors and matrices are stored as text with ``decimals`` places. Pass
    ``decimals=None`` to glue an object as it is (a figure, a string, a sympy expression).
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name is {name!r}, expected a non-empty string")
    # Formatting checks the value, so a bad one fails wherever the chapter runs.
    if decimals is not None:
        value = _Text(fmt(value, decimals))
    elif isinstance(value, str):
        value = _Text(value)
    shell = _shell()
    if shell is None:
        return
    from IPython.display import display

    data, metadata = _record(name, value, getattr(shell, "display_formatter", None))
    display(data, raw=True, metadata=metadata)
