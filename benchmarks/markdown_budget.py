"""What the Markdown limits of content.py buy: Python-Markdown's time on hostile texts of 512 KB, each built to
stay just within the limits (what `check` lets through), and the same patterns past them (what it refuses).

    python benchmarks/markdown_budget.py            # prints one line per pattern: seconds for 512 KB

A pattern within the limits must take about as long as ordinary text of that size: the limits keep every
paragraph (or, for raw HTML, the whole text) below the size at which Markdown's time grows with its square.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from site_builder.content import (MAX_BRACKETS, MAX_EMPHASIS, MAX_NESTING, MAX_TAGS, MAX_TEXT_BYTES,  # noqa: E402
                                  markdown_flood, markdown_to_html)


def text_of(paragraph: str) -> str:
    """Paragraphs separated by blank lines, up to the size limit of a text."""
    return ((paragraph + "\n\n") * (MAX_TEXT_BYTES // (len(paragraph) + 2)))[:MAX_TEXT_BYTES - 1]


PATTERNS = {
    "ordinary text": "Ein Satz mit Worten. " * 20,
    "emphasis *_ at the limit": "*_" * (MAX_EMPHASIS // 2) + " Wort",
    "brackets [ at the limit": "[" * MAX_BRACKETS + " Wort",
    "raw HTML <a at the limit": "<a" * MAX_TAGS,
    "quotes > at the limit": ">" * MAX_NESTING + " Zitat",
    "emphasis, 250,000 *_ (refused)": "*_" * 250_000,
}


def main() -> None:
    for name, paragraph in PATTERNS.items():
        source = text_of(paragraph) if "refused" not in name else paragraph
        flood = markdown_flood(source)
        if flood is not None:
            print(f"{name:36} refused before Markdown: line {flood[0]}, {flood[1]}")
            continue
        started = time.perf_counter()
        markdown_to_html.__wrapped__(source)
        print(f"{name:36} {time.perf_counter() - started:6.2f} s for {len(source) // 1024} KB")


if __name__ == "__main__":
    main()
