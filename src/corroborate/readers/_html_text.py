"""Plain text from an HTML fragment (feed item content), paragraphs on their own lines."""

from __future__ import annotations

import re
from typing import Any

import lxml.etree
import lxml.html

__all__ = ["fragment_to_text", "looks_like_html"]

_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})
_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[A-Za-z!/][^>]*>")


def looks_like_html(value: str) -> bool:
    """Whether a string contains markup (a tag or an entity worth parsing)."""
    return bool(_TAG.search(value))


def fragment_to_text(fragment: str) -> str:
    """The text of an HTML fragment: block elements and ``<br>`` end lines.

    White space inside a line is collapsed (it is not significant in HTML),
    empty lines are dropped, script/style content is skipped.
    """
    if not fragment.strip():
        return ""
    try:
        root: Any = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        try:
            root = lxml.html.document_fromstring(fragment)
        except (lxml.etree.ParserError, ValueError):
            return fragment.strip()
    parts: list[str] = []
    skipping = 0
    events = ("start", "end", "comment", "pi")
    for event, el in lxml.etree.iterwalk(root, events=events):
        if event in ("comment", "pi"):
            if not skipping and el.tail:
                parts.append(_WS.sub(" ", el.tail))
            continue
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if skipping or tag in _SKIP:
                skipping += 1  # scripts, styles…: neither their text nor their children
                continue
            if tag == "br" or tag in _BLOCK:
                parts.append("\n")
            if el.text:
                parts.append(_WS.sub(" ", el.text))
            continue
        if skipping:
            skipping -= 1
            if skipping:
                continue
        elif tag in _BLOCK:
            parts.append("\n")
        if el.tail:
            parts.append(_WS.sub(" ", el.tail))
    lines = (line.strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
