"""Incident members: a report with what its article says, ready to be matched."""

from __future__ import annotations

from corroborate.model import Article, IncidentMember, Report
from corroborate.resolve.syndication import fingerprint, keywords

__all__ = ["make_member"]


#: Fields whose words the matcher weighs on their own (see keywords()).
_KNOWN_FIELDS = ("actor1", "actor2", "event_date")


def _known(report: Report) -> list[str]:
    values = [report.location, report.admin1, report.country, report.actor1, report.actor2]
    spans = [e.text for e in report.evidence if e.field in _KNOWN_FIELDS]
    cited = [s.name for s in report.sources]  # outlets cite the same agencies anyway
    return [v for v in (*values, *spans, *cited) if v]


def make_member(
    report_id: str, article: Article, report: Report, *, language: str | None = None
) -> IncidentMember:
    """The member for one report of ``article`` (text signals computed from its text)."""
    return IncidentMember(
        report_id=report_id,
        article_id=article.article_id,
        outlet=article.outlet,
        url=article.url,
        published=article.published,
        language=language or article.language,
        report=report,
        fingerprint=fingerprint(article.text),
        keywords=keywords(article.text, known=_known(report)),
    )
