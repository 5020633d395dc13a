"""Matching a concrete request to the operation that documents it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from .spec import Operation

_PARAM = re.compile(r"\{([^{}/]+)\}")


@lru_cache(maxsize=256)
def template_regex(template: str) -> re.Pattern[str]:
    """``/v5/iot/{project_id}/batchtasks`` -> a regex with one group per parameter."""
    out, last = [], 0
    for m in _PARAM.finditer(template):
        out.append(re.escape(template[last:m.start()]))
        out.append(f"(?P<p{len(out)}>[^/]+)")
        last = m.end()
    out.append(re.escape(template[last:]))
    return re.compile("^" + "".join(out) + "/?$")


def template_names(template: str) -> list[str]:
    return _PARAM.findall(template)


def match_path(template: str, path: str) -> dict[str, str] | None:
    """Path parameter values (percent-decoded) if ``path`` fits ``template``."""
    m = template_regex(template).match(path)
    if m is None:
        return None
    return {name: unquote(value) for name, value in zip(template_names(template), m.groups())}


def under(path: str, prefixes: Iterable[str]) -> Iterator[str]:
    """``path`` below each of ``prefixes`` it starts with (``""`` is the root), in their order: where an API
    served below a base path or a server URL's path may find its operation's template."""
    for prefix in prefixes:
        if not prefix or path.startswith(prefix):
            yield path[len(prefix):] or "/"


def match_under(template: str, path: str, prefixes: Iterable[str]) -> dict[str, str] | None:
    """``match_path`` below the first of ``prefixes`` under which ``path`` fits the template."""
    return next((found for rest in under(path, prefixes) if (found := match_path(template, rest)) is not None),
                None)


def server_paths(servers: Iterable[str]) -> list[str]:
    """The paths of server URLs (``https://{host}/connect-service/v2.5`` → ``/connect-service/v2.5``),
    longest first, the root left out."""
    return sorted({urlsplit(u).path.rstrip("/") for u in servers if urlsplit(u).path.rstrip("/")},
                  key=len, reverse=True)


def specificity(template: str) -> tuple[int, int]:
    """More literal characters win over parameters (``/a/b`` before ``/a/{x}``)."""
    literal = len(_PARAM.sub("", template))
    return (-literal, len(template_names(template)))


@dataclass(frozen=True, init=False)
class Match:
    operation: "Operation"
    path_params: dict[str, str]

    def __init__(self, operation: "Operation", path_params: dict[str, str]) -> None:
        # one per routed request: straight into the instance, not through object.__setattr__
        fields = self.__dict__
        fields["operation"] = operation
        fields["path_params"] = path_params


class Router:
    """Method + path template + discriminating query parameter -> operation."""

    def __init__(self, operations: Iterable["Operation"]) -> None:
        self.operations = sorted(operations, key=lambda o: specificity(o.path))
        # per method, in order: each operation with its template's regex, parameter names and
        # discriminators, looked up once here rather than per request
        self._by_method: dict[str, list[tuple["Operation", re.Pattern[str], tuple[str, ...],
                                              tuple[tuple[str, str], ...]]]] = {}
        for op in self.operations:
            self._by_method.setdefault(op.method.upper(), []).append(
                (op, template_regex(op.path), tuple(template_names(op.path)), tuple(op.discriminators.items())))

    def match(self, method: str, path: str, query: Mapping[str, object] | None = None,
              base_path: str = "") -> Match | None:
        if base_path and path.startswith(base_path):
            path = path[len(base_path):] or "/"
        fallback = None
        for entry in self._by_method.get(method.upper(), ()):
            found = entry[1].match(path)
            if found is None:
                continue
            wanted = entry[3]
            if not wanted:
                if fallback is None:
                    fallback = (entry, found)
                continue
            if query and all(_first(query.get(k)) == v for k, v in wanted):
                return Match(entry[0], _params(entry[2], found.groups()))
        if fallback is None:
            return None
        return Match(fallback[0][0], _params(fallback[0][2], fallback[1].groups()))

    def candidates(self, path: str) -> list["Operation"]:
        """Operations whose path fits, whatever the method (for 'did you mean')."""
        return [op for op in self.operations if match_path(op.path, path) is not None]


def _params(names: tuple[str, ...], values: tuple[str, ...]) -> dict[str, str]:
    """What match_path gives: each parameter's value, percent-decoded."""
    if len(values) == 1:
        value = values[0]
        return {names[0]: unquote(value) if "%" in value else value}
    for value in values:
        if "%" in value:
            return {name: unquote(v) for name, v in zip(names, values)}
    return dict(zip(names, values))


def _first(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value
