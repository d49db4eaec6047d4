"""Draw the front page's map of the course from the book itself: ``python tools/course_map.py``.

Reads the parts of _toc.yml (their captions and chapter globs) and each chapter's title and
length from chapters/NN_slug.md, and writes two files the front page (intro.md) shows:

- _static/course-map.svg: the path through the course, one box per part with its chapters'
  numbers in reading order and its estimated reading time;
- _static/course-parts.md: the same as a table (part, chapters with links, reading time),
  included by intro.md.

Both are committed; ``--check`` exits non-zero when either differs from what the chapters give
(tests/test_course_map.py runs it), so a new or renamed chapter cannot leave the map stale.
The reading time of a part counts its chapters' words, code included, at WORDS_PER_MINUTE and
rounds to ROUND_TO minutes; running the cells adds a little.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "_static" / "course-map.svg"
TABLE = ROOT / "_static" / "course-parts.md"
WORDS_PER_MINUTE = 130
ROUND_TO = 15  # minutes: an estimate, and coarse enough that small edits to a chapter keep it
# What each part works with, under its name on the map (parts not listed get no line).
WITH = {"By hand": "numpy and sympy", "In the frameworks": "PyTorch, TensorFlow, Keras",
        "Going further": "training and beyond"}
COLOURS = ["#1f5f99", "#8a4b08", "#2e6b30"]  # one per part: blue, brown, green (white text ≥ 7:1)


@dataclass
class Chapter:
    number: int
    stem: str
    title: str
    label: str
    words: int


@dataclass
class Part:
    caption: str
    chapters: list[Chapter]

    @property
    def minutes(self) -> int:
        words = sum(c.words for c in self.chapters)
        return max(ROUND_TO, ROUND_TO * round(words / WORDS_PER_MINUTE / ROUND_TO))


def _chapter(path: Path, number: int) -> Chapter:
    text = path.read_text(encoding="utf-8")
    title = re.search(r"^# (.+)$", text, re.MULTILINE)
    label = re.search(r"^\((ch-[\w-]+)\)=\s*$", text, re.MULTILINE)
    if not (title and label):
        raise SystemExit(f"{path.name}: expected a '(ch-...)=' label and a '# Title' line")
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)  # without the front matter
    return Chapter(number, path.stem, title[1].strip(), label[1], len(body.split()))


def parts() -> list[Part]:
    """The numbered parts of the table of contents, chapters numbered as the book numbers them."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found, number = [], 0
    for part in toc["parts"]:
        if not part.get("numbered"):
            continue
        chapters = []
        for entry in part["chapters"]:
            paths = sorted(ROOT.glob(entry["glob"] + ".md")) if "glob" in entry else [ROOT / (entry["file"] + ".md")]
            for path in paths:
                number += 1
                chapters.append(_chapter(path, number))
        found.append(Part(part["caption"], chapters))
    return found


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


def svg(book: list[Part]) -> str:
    """The path: one box per part left to right, arrows between, chapter numbers inside."""
    box_w, gap, top, box_h, pad = 212, 40, 12, 226, 12
    width = len(book) * box_w + (len(book) - 1) * gap + 2 * pad
    height = top + box_h + 12
    first, last = book[0].chapters[0].number, book[-1].chapters[-1].number
    desc = "; ".join(
        f"{p.caption}: chapters {p.chapters[0].number} to {p.chapters[-1].number}, "
        f"about {_duration(p.minutes)} of reading" for p in book)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="map-title map-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif">',
        f'<title id="map-title">The path through the course, chapters {first} to {last}</title>',
        f'<desc id="map-desc">{escape(desc)}.</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for i, part in enumerate(book):
        x = pad + i * (box_w + gap)
        colour = COLOURS[i % len(COLOURS)]
        out += [
            f'<rect x="{x}" y="{top}" width="{box_w}" height="{box_h}" rx="14" fill="#fff" '
            f'stroke="{colour}" stroke-width="3"/>',
            f'<path d="M{x} {top + 14} a14 14 0 0 1 14 -14 h{box_w - 28} a14 14 0 0 1 14 14 v42 '
            f'h-{box_w} z" fill="{colour}"/>',
            f'<text x="{x + box_w / 2}" y="{top + 36}" text-anchor="middle" font-size="20" '
            f'font-weight="700" fill="#fff">{escape(part.caption)}</text>',
            f'<text x="{x + box_w / 2}" y="{top + 80}" text-anchor="middle" font-size="15" '
            f'fill="#333">{escape(WITH.get(part.caption, ""))}</text>',
            f'<text x="{x + box_w / 2}" y="{top + box_h - 16}" text-anchor="middle" font-size="17" '
            f'fill="#222">≈ {_duration(part.minutes)}</text>',
        ]
        # chapter numbers in reading order, three to a row, joined by a thin line
        per_row, r = 3, 19
        for j, chapter in enumerate(part.chapters):
            row, col = divmod(j, per_row)
            cx = x + box_w / 2 + (col - 1) * 54
            cy = top + 116 + row * 46
            out.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>')
            out.append(f'<text x="{cx}" y="{cy + 7}" text-anchor="middle" font-size="19" '
                       f'font-weight="700" fill="#fff">{chapter.number}</text>')
        if i + 1 < len(book):
            y = top + box_h / 2
            out.append(f'<line x1="{x + box_w + 4}" y1="{y}" x2="{x + box_w + gap - 4}" y2="{y}" '
                       'stroke="#555" stroke-width="3" marker-end="url(#arrow)"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def table(book: list[Part]) -> str:
    lines = [
        "<!-- Written by tools/course_map.py from _toc.yml and the chapters: do not edit. -->",
        "| Part | Chapters | Reading time |",
        "|---|---|---|",
    ]
    for part in book:
        chapters = "<br>".join(f"{c.number}. {{ref}}`{c.label}`" for c in part.chapters)
        lines.append(f"| **{part.caption}** | {chapters} | about {_duration(part.minutes)} |")
    total = sum(p.minutes for p in book)
    lines += ["", f"In all about {_duration(total)} of reading, counting each chapter's words "
              f"(code included) at {WORDS_PER_MINUTE} a minute; running the cells adds a little."]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the files are not current")
    args = parser.parse_args(argv)
    book = parts()
    wanted = {SVG: svg(book), TABLE: table(book)}
    if args.check:
        stale = [p.relative_to(ROOT).as_posix() for p, text in wanted.items()
                 if not p.is_file() or p.read_text(encoding="utf-8") != text]
        if stale:
            print(f"stale: {', '.join(stale)}: run python tools/course_map.py", file=sys.stderr)
            return 1
        return 0
    for path, text in wanted.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
