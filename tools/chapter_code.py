"""Functions loaded from a chapter's own code cells, so that tests and benchmarks run the code the
reader sees on the page rather than a copy of it.

    sys.path.insert(0, str(ROOT / "tools"))
    from chapter_code import chapter_functions

    explicit_chain, chain_cost = chapter_functions("14_jacobian_cost", "explicit_chain", "chain_cost")

``chapter_functions`` reads chapters/<chapter>.md with jupytext, finds the code cells that define
the named functions at their top level (with ``ast``, not by searching the text), and runs exactly
those cells, whole and in chapter order, in a fresh namespace. Before them it runs the chapter's own
import statements that bind a name those cells use (for chapter 14, ``import numpy as np`` and
``from yann import mlp``), one name at a time. Nothing else of the chapter runs: no timing, no
figures, no thread settings. A function that no code cell defines, or that two cells define, is a
``LookupError`` naming the chapter and the function. Tracebacks and ``inspect.getsource`` show the
chapter's lines, under a file name such as "chapters/14_jacobian_cost.md, code cell 6" (code cells
counted from 1).

Tests and benchmarks/backprop_cost.py import it by putting tools/ on ``sys.path``, as the tests of
the other tools do.
"""

from __future__ import annotations

import ast
import linecache
from pathlib import Path

import jupytext

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def chapter_functions(chapter: str, *names: str) -> tuple:
    """The functions ``names`` as chapters/<chapter>.md defines them, in the order asked for."""
    source = CHAPTERS / f"{chapter}.md"
    cells = []  # (number among the code cells, source, tree)
    code = [cell.source for cell in jupytext.read(source).cells if cell.cell_type == "code"]
    for number, text in enumerate(code, start=1):
        try:
            cells.append((number, text, ast.parse(text)))
        except SyntaxError:  # IPython magics are not Python; such a cell defines nothing
            continue

    chosen = {}  # cell number -> (source, tree)
    for name in names:
        defining = [(number, text, tree) for number, text, tree in cells
                    if any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body)]
        if not defining:
            raise LookupError(f"chapters/{source.name} has no code cell that defines the function {name}")
        if len(defining) > 1:
            numbers = ", ".join(str(number) for number, _, _ in defining)
            raise LookupError(f"chapters/{source.name} defines {name} in code cells {numbers}, expected one")
        number, text, tree = defining[0]
        chosen[number] = (text, tree)

    used = {node.id for _, tree in chosen.values() for node in ast.walk(tree) if isinstance(node, ast.Name)}
    imports = []
    for _, _, tree in cells:
        for statement in tree.body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                for alias in statement.names:
                    if (alias.asname or alias.name.split(".")[0]) in used:
                        one = ast.Import([alias]) if isinstance(statement, ast.Import) else ast.ImportFrom(
                            statement.module, [alias], statement.level)
                        imports.append(ast.unparse(one))

    namespace: dict = {"__name__": f"chapters.{chapter}"}
    pieces = [("imports", "\n".join(dict.fromkeys(imports)))]
    pieces += [(f"code cell {number}", chosen[number][0]) for number in sorted(chosen)]
    for label, text in pieces:
        filename = f"chapters/{source.name}, {label}"
        # so that tracebacks and inspect.getsource show the chapter's lines
        linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
        exec(compile(text, filename, "exec"), namespace)
    return tuple(namespace[name] for name in names)
