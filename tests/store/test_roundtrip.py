"""Property tests: what the store keeps, it gives back unchanged, on every backend."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborate.model import (
    EVENT_TYPES,
    Article,
    Evidence,
    Figures,
    Incident,
    IncidentMember,
    Report,
    SourceClaim,
)
from tests.store.conftest import StoreFactory

# Text cannot hold lone surrogates (UTF-8 has none); everything else goes, NUL included.
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
maybe_text = st.none() | text
count = st.none() | st.integers(min_value=0, max_value=10**6)
coordinate = st.none() | st.floats(min_value=-90, max_value=90, allow_nan=False)
day = st.none() | st.dates().map(lambda d: d.isoformat())
event = st.sampled_from([(t, s) for t, subs in EVENT_TYPES.items() for s in subs])

figures = st.builds(Figures, low=count, best=count, high=count)
sources = st.builds(
    SourceClaim,
    name=text,
    kind=text,
    relation=text,
    start=st.none() | st.integers(0, 10**5),
    end=st.none() | st.integers(0, 10**5),
)
evidence = st.builds(
    Evidence,
    field=text,
    start=st.integers(0, 10**5),
    end=st.integers(0, 10**5),
    text=text,
    extractor=text,
    version=text,
)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    event_type, sub_event_type = draw(event)
    return Report(
        event_type=event_type,
        sub_event_type=sub_event_type,
        event_date=draw(day),
        time_precision=draw(st.none() | st.integers(1, 3)),
        actor1=draw(maybe_text),
        inter1=draw(st.none() | st.integers(1, 8)),
        actor1_country=draw(maybe_text),
        actor2=draw(maybe_text),
        inter2=draw(st.none() | st.integers(1, 8)),
        actor2_country=draw(maybe_text),
        civilian_targeting=draw(st.booleans()),
        country=draw(maybe_text),
        admin1=draw(maybe_text),
        location=draw(maybe_text),
        latitude=draw(coordinate),
        longitude=draw(coordinate),
        geo_precision=draw(st.none() | st.integers(1, 3)),
        fatalities=draw(figures),
        civilian_fatalities=draw(figures),
        injuries=draw(figures),
        sources=tuple(draw(st.lists(sources, max_size=3))),
        summary=draw(text),
        evidence=tuple(draw(st.lists(evidence, max_size=3))),
    )


members = st.builds(
    IncidentMember,
    report_id=text,
    article_id=text,
    outlet=maybe_text,
    url=maybe_text,
    published=day,
    language=maybe_text,
    report=reports(),
)
incidents = st.builds(
    Incident,
    incident_id=text,
    record=reports(),
    members=st.lists(members, max_size=3).map(tuple),
    origins=st.integers(0, 50),
    grade=text,
    grade_reason=text,
    created=maybe_text,
    updated=maybe_text,
)
articles = st.builds(
    Article.create,
    text,
    external_id=maybe_text,
    url=maybe_text,
    outlet=maybe_text,
    published=day,
    language=maybe_text,
    title=maybe_text,
    origin=maybe_text,
)

_settings = settings(
    max_examples=60,
    deadline=None,
    # one fresh store per test, emptied before each example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@_settings
@given(a=articles)
def test_article_round_trip(store_factory: StoreFactory, a: Article) -> None:
    store = store_factory.emptied()
    assert store.add_article(a) is True
    assert store.get_article(a.id) == a
    assert store.find_article(a.article_id) == a


@_settings
@given(inc=incidents)
def test_incident_round_trip(store_factory: StoreFactory, inc: Incident) -> None:
    store = store_factory.emptied()
    store.save_incident(inc)
    assert store.get_incident(inc.incident_id) == inc
    page, total = store.list_incidents()
    assert total == 1 and page == [inc]
    assert list(store.iter_incidents()) == [inc]
