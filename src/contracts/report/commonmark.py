"""Descriptions as CommonMark, rendered by markdown-it-py with raw HTML off.

Spec text is data, not markup: raw HTML in it is shown as text, images are
not rendered (they would be fetched from elsewhere), and markdown-it's link
check already refuses ``javascript:``, ``vbscript:``, ``file:`` and
``data:`` URLs.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def block(text: str | None) -> str:
    """Paragraphs, lists, code blocks; '' for no text."""
    return _md().render(text) if text and text.strip() else ""


def inline(text: str | None) -> str:
    """One line of inline markup (code spans, emphasis, links), for table cells and notes."""
    return _md().renderInline(text) if text and text.strip() else ""


__all__ = ["block", "inline"]
