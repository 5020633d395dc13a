"""A tiny element tree of our own HTML pages (stdlib html.parser), for structural assertions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Iterator

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list["Element | str"] = field(default_factory=list)
    parent: "Element | None" = None

    def iter(self, tag: str | None = None) -> Iterator["Element"]:
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list["Element"]:
        return [e for e in self.iter(tag) if (cls is None or cls in e.classes())
                and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def ancestors(self) -> Iterator["Element"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def ids(root: Element) -> set[str]:
    return {e.attrs["id"] for e in root.iter() if "id" in e.attrs}


def dangling_anchors(root: Element) -> list[str]:
    """Every href="#x" whose x is no element's id."""
    known = ids(root)
    return [a.attrs["href"] for a in root.iter("a") if a.attrs.get("href", "").startswith("#")
            and a.attrs["href"][1:] not in known]


FETCHING = ("src", "srcset", "data", "poster", "action", "formaction", "background")


def external_resources(html: str) -> list[str]:
    """Anything a browser would fetch: a src-like attribute, a link that is not an anchor on the page
    (stylesheets, icons), CSS ``url()`` or ``@import`` in a style. Text is never counted."""
    root = parse(html)
    out = [f"{e.tag} {k}={v}" for e in root.iter() for k, v in e.attrs.items()
           if k in FETCHING and not v.startswith("data:")]
    out += [f"link {e.attrs}" for e in root.iter("link")]
    for style in [s.text() for s in root.iter("style")] + [e.attrs["style"] for e in root.iter() if "style" in e.attrs]:
        out += re.findall(r"url\(\s*['\"]?(?!data:)[^)]*\)", style) + re.findall(r"@import", style)
    return out
