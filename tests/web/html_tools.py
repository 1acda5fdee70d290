"""A tiny HTML inspector for the web tests (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Page:
    """The tags of a page with their attributes, and the bodies of its scripts."""

    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def attrs(self, name: str) -> list[str]:
        """Every value of attribute ``name`` on any tag."""
        return [v for _, a in self.tags for k, v in a.items() if k == name and v is not None]

    def urls(self) -> list[str]:
        return self.attrs("href") + self.attrs("src") + self.attrs("action")

    def count(self, tag: str, **attrs: str) -> int:
        return sum(
            1 for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        )


class _Parser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self._in_script = False
        self._script_has_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.page.tags.append((tag, a))
        if tag == "script":
            self._in_script = True
            self._script_has_src = "src" in a
            if not self._script_has_src:
                self.page.inline_scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and not self._script_has_src:
            self.page.inline_scripts[-1] += data
        else:
            self.page.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    parser = _Parser(page)
    parser.feed(html)
    parser.close()
    return page
