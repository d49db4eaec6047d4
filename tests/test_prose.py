"""Guards on the chapters' prose (issues 14 and 16).

1. The reading path never leans on what comes later without saying so: every reference from a
   chapter to a label in a later chapter (by the chapters' order in the book) sits in a sentence
   that says "later".
2. No result is typed by hand: outside glue roles, math, code, labels, references and links, the
   prose holds no number, except the structural ones of ALLOWED below (small counts and sizes,
   chapter numbers, years, versions, architecture names like 3-3-2).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.md"))


# -- reading the Markdown ---------------------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
# Fenced blocks whose content is code, not prose: code cells, plain or language fences, code and
# math directives. Other directives ({warning}, {exercise}...) hold prose and are read.
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
CODE_INFO = re.compile(r"^(?:\{(?:code-cell|code-block|code|sourcecode|math|glue:math)\}.*|[\w+-]*)$")


def _blank_code_blocks(text: str) -> str:
    """Blank the lines of every code block, pairing fences as MyST does (a bare fence closes the
    innermost open one of its kind, or else opens a plain code block)."""
    lines = text.split("\n")
    open_fences: list[tuple[str, int]] = []  # (character, length) of each open directive
    code: tuple[str, int] | None = None  # the open code fence, if any
    for index, line in enumerate(lines):
        match = FENCE.match(line)
        if code is not None:
            if match and not match["info"] and match["fence"][0] == code[0] and len(match["fence"]) >= code[1]:
                code = None
            lines[index] = ""
            continue
        if not match:
            continue
        fence, info = match["fence"], match["info"]
        if not info and open_fences and open_fences[-1][0] == fence[0] and len(fence) >= open_fences[-1][1]:
            open_fences.pop()  # closes a prose directive
        elif fence[0] != ":" and CODE_INFO.match(info):
            code = (fence[0], len(fence))
            lines[index] = ""
        else:
            open_fences.append((fence[0], len(fence)))
    return "\n".join(lines)


DISPLAY_MATH = re.compile(r"\$\$.*?\$\$(?:\s*\([\w:-]+\))?", re.S)
ENVIRONMENT_MATH = re.compile(r"\\begin\{(?P<env>[\w*]+)\}.*?\\end\{(?P=env)\}", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$")
ROLE = re.compile(r"\{[\w:+-]+\}(`+)(?P<content>.*?)\1", re.S)
INLINE_CODE = re.compile(r"(`+).+?\1", re.S)
DIRECTIVE_FENCE = re.compile(r"^\s*(?:`{3,}|:{3,})\{[\w:-]+\}", re.M)
FENCE_LINE = re.compile(r"^\s*(?:`{3,}|:{3,})\s*$", re.M)
OPTION_LINE = re.compile(r"^\s*:[\w-]+:.*$", re.M)
LABEL_LINE = re.compile(r"^\([\w:-]+\)=\s*$", re.M)
LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\([^)]*\)")
URL = re.compile(r"<?https?://\S+>?")
# HTML comments and tags (named, so a role's ``<label>`` is not taken for one).
HTML = re.compile(
    r"<!--.*?-->|</?(?:div|span|br|hr|img|p|a|sub|sup|details|summary|table|thead|tbody|tr|td|th|b|i"
    r"|em|strong|code|pre|figure|figcaption|iframe|kbd|small)\b[^>\n]*>",
    re.S,
)
FOOTNOTE = re.compile(r"\[\^[\w-]+\]:?")
SUBSTITUTION = re.compile(r"\{\{.*?\}\}")


def _blank(match: re.Match) -> str:
    """Replace a match by as many newlines as it held, so line numbers stay right."""
    return "\n" * match.group(0).count("\n")


def prose(text: str, keep_roles: bool = False) -> str:
    """The prose of a MyST chapter, line for line: code, math, roles (unless ``keep_roles``),
    labels, directive options and link targets blanked out."""
    text = FRONT_MATTER.sub(_blank, text)
    text = _blank_code_blocks(text)
    text = DISPLAY_MATH.sub(_blank, text)
    text = ENVIRONMENT_MATH.sub(_blank, text)
    text = HTML.sub(_blank, text)
    if not keep_roles:
        text = ROLE.sub(lambda m: " ROLE " + _blank(m), text)
    text = INLINE_MATH.sub(" MATH ", text)
    if not keep_roles:
        text = INLINE_CODE.sub(lambda m: " CODE " + _blank(m), text)
    text = DIRECTIVE_FENCE.sub("", text)
    text = FENCE_LINE.sub("", text)
    text = OPTION_LINE.sub("", text)
    text = LABEL_LINE.sub("", text)
    text = LINK.sub(lambda m: m.group("text"), text)
    text = URL.sub(" URL ", text)
    text = FOOTNOTE.sub(" ", text)
    return SUBSTITUTION.sub(" ", text)


# -- 1. references to later chapters ----------------------------------------------------------

REFERENCE = re.compile(
    r"\{(?:ref|numref|eq|doc)\}`(?:[^`<]*<)?(?P<target>[^`<>]+?)>?`|\]\(#(?P<anchor>[\w:-]+)\)"
)
LABELS = [
    re.compile(r"^\((?P<label>[\w:-]+)\)=\s*$", re.M),  # (label)= above a heading or block
    re.compile(r"\$\$\s*\((?P<label>[\w:-]+)\)"),  # $$ ... $$ (eq-label)
    re.compile(r"^\s*:(?:label|name):\s*(?P<label>[\w:-]+)\s*$", re.M),  # directive options
    re.compile(r"^\s+name:\s*(?P<label>[\w:-]+)\s*$", re.M),  # mystnb figure metadata in a cell
]
ABBREVIATIONS = ("e.g.", "i.e.", "cf.", "etc.", "vs.", "approx.", "Fig.", "Eq.", "No.")


def labels_by_chapter() -> dict[str, int]:
    """Every label a chapter defines, mapped to the chapter's place in the reading order."""
    where = {}
    for place, source in enumerate(SOURCES):
        text = source.read_text()
        where[source.stem] = place  # {doc} targets name the file
        for pattern in LABELS:
            for match in pattern.finditer(text):
                where[match.group("label")] = place
    return where


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that holds ``text[start:end]``: bounded by a full stop, question
    or exclamation mark followed by a space, a blank line or a list item, whichever is nearest."""

    def is_boundary(index: int) -> bool:
        if text[index] == "\n":
            return text[index + 1: index + 2] == "\n" or re.match(r"\n\s*(?:[-*+]|\d+\.)\s", text[index:]) is not None
        if text[index] in ".!?" and text[index + 1: index + 2] in {" ", "\n"}:
            return not any(text[: index + 1].endswith(a) for a in ABBREVIATIONS)
        return False

    left = start
    while left > 0 and not is_boundary(left - 1):
        left -= 1
    right = end
    while right < len(text) - 1 and not is_boundary(right):
        right += 1
    return text[left: right + 1]


def later_references(source: Path, where: dict[str, int]) -> list[tuple[int, str, str]]:
    """(line, target, sentence) of each reference in ``source`` to a later chapter whose
    sentence does not say "later"."""
    place = SOURCES.index(source)
    text = prose(source.read_text(), keep_roles=True)
    found = []
    for match in REFERENCE.finditer(text):
        target = (match.group("target") or match.group("anchor") or "").strip()
        target = target.rsplit("/", 1)[-1]  # {doc}`NN_slug` or {doc}`../chapters/NN_slug`
        if where.get(target, -1) <= place:
            continue
        sentence = sentence_around(text, match.start(), match.end())
        if not re.search(r"\blater\b", sentence, re.I):
            line = text.count("\n", 0, match.start()) + 1
            found.append((line, target, " ".join(sentence.split())))
    return found


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_references_to_later_chapters_say_later(source: Path):
    offenders = later_references(source, labels_by_chapter())
    assert not offenders, f"{source.name}: references to a later chapter without the word 'later':\n" + "\n".join(
        f"  line {line}: {target}: {sentence}" for line, target, sentence in offenders
    )


def test_the_later_rule_reads_sentences_right(tmp_path, monkeypatch):
    first, second = tmp_path / "01_a.md", tmp_path / "02_b.md"
    first.write_text(
        "(ch-a)=\n# A\n\nAs {ref}`ch-b` shows, this holds. We return to it later in {ref}`ch-b`.\n\n"
        "See {ref}`the next one <ch-b>`, e.g. the first part.\n\n"
        "- a list item that says later: {ref}`ch-b`\n- one that does not: {ref}`ch-b`\n"
    )
    second.write_text("(ch-b)=\n# B\n\nBack to {ref}`ch-a`, which came before.\n")
    monkeypatch.setattr(sys.modules[__name__], "SOURCES", [first, second])
    where = labels_by_chapter()
    assert where == {"01_a": 0, "ch-a": 0, "02_b": 1, "ch-b": 1}
    assert [line for line, _, _ in later_references(first, where)] == [4, 6, 9]
    assert later_references(second, where) == []


# -- 2. numbers typed by hand -----------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.,\d])(?:\d+(?:[.,]\d+)*(?:[eE][-+−]?\d+)?)(?![\w\d])")
# Structural numbers a chapter may type (issue 16): each pattern says what kind it allows.
ALLOWED = {
    "a small count or size (layers, units, shapes, equations, steps of the method)": re.compile(r"^[0-9]$"),
    "a year": re.compile(r"^(?:19|20)\d\d$"),
}
# Numbers allowed by what stands around them: a match covers the number in its context.
ALLOWED_IN_CONTEXT = {
    "a chapter or section number": re.compile(r"\b[Cc]hapters? \d+(?:\s*(?:[–-]|and|,)\s*\d+)*"),
    "a release of a tool": re.compile(
        r"\b(?:Python|TensorFlow|Keras|PyTorch|torch|NumPy|numpy|SymPy|sympy|matplotlib|Jupyter Book"
        r"|jupyter-book|tf\.keras|Colab|nbval|jupytext|myst-nb|Sphinx|CUDA|version|release)"
        r"\s+v?\d+(?:\.\d+)*(?:\.\*)?"
    ),
    "an architecture's name, like 3-3-2": re.compile(r"(?<![\w.])\d+(?:-\d+){2,}(?![\w.])"),
}


def hand_typed_numbers(text: str) -> list[tuple[int, str, str]]:
    """(line, number, line text) of each number in the prose of ``text`` that no rule allows."""
    found = []
    for line_number, line in enumerate(prose(text).splitlines(), 1):
        covered = [(m.start(), m.end()) for p in ALLOWED_IN_CONTEXT.values() for m in p.finditer(line)]
        for match in NUMBER.finditer(line):
            if any(start <= match.start() and match.end() <= end for start, end in covered):
                continue
            if any(p.match(match.group()) for p in ALLOWED.values()):
                continue
            found.append((line_number, match.group(), line.strip()))
    return found


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_number_in_prose_is_typed_by_hand(source: Path):
    offenders = hand_typed_numbers(source.read_text())
    assert not offenders, (
        f"{source.name}: numbers typed into the prose (glue them, or put them in math if they are"
        " inputs):\n" + "\n".join(f"  line {line}: {number!r} in: {text[:110]}" for line, number, text in offenders)
    )


def test_the_number_rule_reads_prose_right():
    text = "\n".join([
        "---", "jupytext: 0.13", "---",
        "The loss is {glue:text}`loss`, and $a = 0.77$ with `lr=0.01`.",  # 4: nothing typed
        "The 3 units of layer 2 in chapter 12 (Keras 3.15, 2026), a 3-3-2 network.",  # 5: allowed
        "The loss came out 0.8879 instead.",  # 6: typed
        "```{code-cell} ipython3", "x = 0.23", "```",  # 7-9: code
        "$$", "E = 0.87", "$$ (eq-e)",  # 10-12: math
        "See [page 42](https://example.org/42) and float32 or W2.",  # 13: link target, identifiers
        "About 109,386 parameters and 1e-6, 10 steps.",  # 14: typed, three times
    ])
    assert [(line, number) for line, number, _ in hand_typed_numbers(text)] == [
        (6, "0.8879"), (13, "42"), (14, "109,386"), (14, "1e-6"), (14, "10")
    ]
