"""The outlet registry and what reconciliation does with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborate.errors import ConfigError
from corroborate.resolve import reconcile
from corroborate.resolve.outlets import ENV_VARIABLE, OutletRegistry, default_registry
from corroborate.resolve.reconcile import count_origins
from tests.resolve.test_resolve import _member, _report

ROWS = (
    "# name\\taliases\\tdomains\\tcountry\\tlanguage\\tstate\\tkind\n"
    "Agency A\tAA|Agence A\taa.example\tRuritania\tfr\tyes\tagency\n"
    "Paper B\t\tpaperb.example\tRuritania\tar\tyes\tnewspaper\n"
    "Paper C\t\tpaperc.example\tElbonia\tfr\tno\tnewspaper\n"
)


def test_lookup_by_name_alias_and_domain() -> None:
    reg = OutletRegistry.parse(ROWS)
    assert len(reg) == 3
    for name in ("Agency A", "agence a", "AA", "https://www.aa.example/news/1"):
        hit = reg.lookup(name)
        assert hit is not None and hit.name == "Agency A", name
    assert reg.lookup("Nobody") is None
    hit = reg.lookup("Paper C")
    assert hit is not None and hit.state_affiliated is False and hit.country == "Elbonia"


def test_republished_outlet_labels_point_at_the_original() -> None:
    reg = default_registry()
    for label, origin in [
        ("Business Recorder (Reuters)", "Reuters"),
        ("ETV Bharat (AFP)", "AFP"),
        ("KVIA (Associated Press)", "Associated Press"),
        ("ru24.net (RFI)", "RFI"),
        ("am1.news (republished Le Monde)", "Le Monde"),
    ]:
        hit = reg.origin_of(label)
        assert hit is not None and hit.name == origin, label
    assert reg.origin_of("Some Blog (opinion)") is None


def test_packaged_registry_is_well_formed() -> None:
    reg = default_registry()
    assert len(reg) >= 60
    mapx = reg.lookup("Maghreb Arabe Presse")
    sps = reg.lookup("SPS")
    assert mapx is not None and mapx.state_affiliated and mapx.country == "Morocco"
    assert sps is not None and sps.state_affiliated and sps.country == "Western Sahara"


def test_users_extend_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text(ROWS, encoding="utf-8")
    monkeypatch.setenv(ENV_VARIABLE, str(extra))
    reg = default_registry()
    assert reg.lookup("Paper B") is not None
    assert reg.lookup("Reuters") is not None  # the packaged rows stay


def test_a_bad_registry_says_where(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"mine\.tsv:2: expected 7"):
        OutletRegistry.parse("# c\nA\tB\n", origin="mine.tsv")
    with pytest.raises(ConfigError, match="yes, no or unknown"):
        OutletRegistry.parse("A\t\t\tX\tfr\tmaybe\tagency\n")


def test_copies_of_one_agency_dispatch_are_one_origin() -> None:
    r = _report()
    members = [
        _member("a:0", "Business Recorder (Reuters)", r),
        _member("b:0", "Al Arabiya (Reuters)", r),
        _member("c:0", "Reuters", r),
        _member("d:0", "ETV Bharat (AFP)", r),
    ]
    assert count_origins(members) == 2


def test_every_origin_from_one_side_is_not_fair() -> None:
    reg = OutletRegistry.parse(ROWS)
    r = _report()
    one_side = [_member("a:0", "Agency A", r), _member("b:0", "Paper B", r)]
    inc = reconcile(one_side, registry=reg)
    assert inc.origins == 2
    assert inc.grade == "Weak"
    assert "state-affiliated media of Ruritania" in inc.grade_reason
    both_sides = [_member("a:0", "Agency A", r), _member("c:0", "Paper C", r)]
    assert reconcile(both_sides, registry=reg).grade == "Fair"
