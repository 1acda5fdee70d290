"""The outlet registry: outlet → country, language, state affiliation, kind.

The packaged table is ``resolve/data/outlets.tsv`` (public information
about each outlet; ``unknown`` when unsure). Users add or correct rows in
their own file named by the ``CORROBORATE_OUTLETS`` environment variable
(same columns; its rows win), or pass a registry to :func:`reconcile`.

Reconciliation uses it twice: a report republished from an agency (an
outlet written "Business Recorder (Reuters)", or an outlet that is an alias
of another) counts as that agency's origin; and the grade notices when
every independent origin is state-affiliated media of one country, i.e.
one side of a conflict.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from corroborate.errors import ConfigError

__all__ = ["ENV_VARIABLE", "Outlet", "OutletRegistry", "default_registry"]

ENV_VARIABLE = "CORROBORATE_OUTLETS"
_NORM = re.compile(r"[^\w]+")
_PAREN = re.compile(r"\(([^()]+)\)\s*$")
_REPUBLISHED = re.compile(r"^(?:republished|via|from|mirror of)\s+", re.IGNORECASE)


def _key(name: str) -> str:
    return _NORM.sub(" ", name.casefold()).strip()


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    country: str | None
    language: str | None
    state_affiliated: bool | None  # None: unknown
    kind: str | None


class OutletRegistry:
    """Outlets by name, alias and web domain."""

    def __init__(self, outlets: Iterable[tuple[Outlet, Iterable[str]]] = ()) -> None:
        self._by_key: dict[str, Outlet] = {}
        for outlet, names in outlets:
            self.add(outlet, names)

    def add(self, outlet: Outlet, names: Iterable[str] = ()) -> None:
        for n in (outlet.name, *names):
            if n.strip():
                self._by_key[_key(n)] = outlet

    def __len__(self) -> int:
        return len({o.name for o in self._by_key.values()})

    @classmethod
    def parse(cls, text: str, *, origin: str = "outlets.tsv") -> OutletRegistry:
        reg = cls()
        reg.update(text, origin=origin)
        return reg

    def update(self, text: str, *, origin: str) -> None:
        """Add the rows of a registry file (later rows win)."""
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 7:
                raise ConfigError(
                    f"{origin}:{n}: expected 7 tab-separated columns (name, aliases, domains, "
                    f"country, language, state_affiliated, kind), found {len(cols)}"
                )
            name, aliases, domains, country, language, state, kind = (c.strip() for c in cols)
            if state not in ("yes", "no", "unknown", ""):
                raise ConfigError(
                    f"{origin}:{n}: state_affiliated must be yes, no or unknown, not {state!r}"
                )
            outlet = Outlet(
                name=name,
                country=None if country in ("", "unknown") else country,
                language=language or None,
                state_affiliated={"yes": True, "no": False}.get(state),
                kind=kind or None,
            )
            names = [a for a in aliases.split("|") if a] + [d for d in domains.split("|") if d]
            self.add(outlet, names)

    def lookup(self, name: str | None) -> Outlet | None:
        """The registered outlet for a name, alias or domain (``www.`` and paths ignored)."""
        if not name:
            return None
        found = self._by_key.get(_key(name))
        if found is not None:
            return found
        host = re.sub(r"^[a-z]+://", "", name.strip().lower()).split("/")[0]
        host = host.removeprefix("www.")
        if "." in host:
            return self._by_key.get(_key(host))
        return None

    def origin_of(self, outlet: str | None) -> Outlet | None:
        """The original publisher behind an outlet label ("X (Reuters)" → Reuters)."""
        if not outlet:
            return None
        m = _PAREN.search(outlet)
        if m:
            inner = _REPUBLISHED.sub("", m.group(1).strip())
            for part in (p.strip() for p in inner.split(",")):
                hit = self.lookup(part)
                if hit is not None and hit.kind in ("agency", "broadcaster", "newspaper", "ngo"):
                    return hit
        return self.lookup(outlet)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read the outlet registry {path} ({exc.strerror}): fix {ENV_VARIABLE}"
        ) from exc


@cache
def _packaged() -> str:
    return (resources.files("corroborate.resolve") / "data" / "outlets.tsv").read_text("utf-8")


@cache
def _registry(extra: str | None) -> OutletRegistry:
    reg = OutletRegistry.parse(_packaged())
    if extra:
        reg.update(_read(Path(extra)), origin=extra)
    return reg


def default_registry() -> OutletRegistry:
    """The packaged registry, with the rows of ``$CORROBORATE_OUTLETS`` on top."""
    return _registry(os.environ.get(ENV_VARIABLE) or None)
