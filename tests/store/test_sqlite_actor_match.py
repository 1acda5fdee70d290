"""SQLite's actor filter: the fast LIKE path answers exactly as the casefolded match."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.store.sqlite import _casefold, _SQLiteDialect

# ASCII, characters whose casefold holds ASCII (ß, İ, ſ, K, ligatures), other
# non-ASCII letters, a NUL, and LIKE's wildcards and escape.
ALPHABET = "abcSTKi%_\\ \x00\u00df\u017f\u0130\u212a\ufb01\ufb06\u00e9\u00c9\u03a3"
names = st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=12))
needles = st.text(alphabet="abcstkifK%_\\ ", min_size=1, max_size=4)


def expected(needle: str, actor1: str | None, actor2: str | None) -> bool:
    folded = needle.casefold()
    return any(a is not None and folded in a.casefold() for a in (actor1, actor2))


@settings(max_examples=300, deadline=None)
@given(needle=needles, rows=st.lists(st.tuples(names, names), min_size=1, max_size=6))
def test_actor_match_equals_casefolded_substring(
    needle: str, rows: list[tuple[str | None, str | None]]
) -> None:
    conn = sqlite3.connect(":memory:")
    conn.create_function("casefold", 1, _casefold, deterministic=True)
    conn.execute("CREATE TABLE incidents (n INTEGER, actor1 TEXT, actor2 TEXT)")
    conn.executemany(
        "INSERT INTO incidents VALUES (?, ?, ?)", [(n, *r) for n, r in enumerate(rows)]
    )
    clause, params = _SQLiteDialect().actor_match(needle.casefold())
    got = {n for (n,) in conn.execute(f"SELECT n FROM incidents i WHERE {clause}", params)}
    assert got == {n for n, (a1, a2) in enumerate(rows) if expected(needle, a1, a2)}
    conn.close()
