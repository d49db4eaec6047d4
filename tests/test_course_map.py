"""The front page's map of the course (tools/course_map.py) is drawn from the current chapters."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import course_map


def test_the_committed_map_and_table_are_current():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "course_map.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_map_shows_every_chapter_once_in_reading_order():
    book = course_map.parts()
    numbers = [c.number for part in book for c in part.chapters]
    stems = [c.stem for part in book for c in part.chapters]
    assert stems == sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.md"))
    assert numbers == list(range(1, len(stems) + 1))
    svg = ET.fromstring(course_map.svg(book))
    ns = {"s": "http://www.w3.org/2000/svg"}
    shown = [t.text for t in svg.findall("s:text", ns)]
    for part in book:
        assert part.caption in shown
        assert f"≈ {course_map._duration(part.minutes)}" in shown
    assert [int(t) for t in shown if t.isdigit()] == numbers
    assert svg.get("role") == "img" and svg.find("s:title", ns).text and svg.find("s:desc", ns).text


def test_reading_time_follows_the_words():
    chapter = course_map.Chapter(1, "01_x", "X", "ch-x", words=course_map.WORDS_PER_MINUTE * 62)
    assert course_map.ROUND_TO == 15
    assert course_map.Part("P", [chapter]).minutes == 60
    assert course_map.Part("P", [chapter, chapter]).minutes == 120  # 124 minutes
    assert course_map.Part("P", [chapter, chapter, chapter]).minutes == 180  # 186 minutes
    assert course_map._duration(135) == "2 h 15 min" and course_map._duration(45) == "45 min"
    assert course_map._duration(120) == "2 h"
