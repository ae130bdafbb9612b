"""A project of one's own, under its own base IRI: `init`, a claim added with `cite`, `validate`, then its site.

The site (static ``build`` and live ``serve``, one page model) takes the base IRI from the project's
``dataset.toml`` (``base``): the project's claims are listed, their pages exist, links between them
resolve, and nothing of the project's own links to the dprk-ld base (only its vocabulary, which the
project imports, does).
"""

from __future__ import annotations

import asyncio
import json
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from reconciliation_schemas import check

from dprk_ld.load import load_project
from dprk_ld.metadata import project_base, read_metadata
from dprk_ld.project import find_project
from dprk_ld.publish import build_release
from dprk_ld.serve import create_app

BASE = "https://example.org/mydata/"
OURS = "https://w3id.org/dprk-ld/"
#: what a project takes from dprk-ld as it is: the vocabulary it imports, the shapes init copies, the
#: properties of the Wikidata-style view (prop/…, id/property/…)
BORROWED = (OURS + "ontology", OURS + "shapes#", OURS + "prop/", OURS + "id/property/")
ARTICLE = "Freedonia opened an embassy in Ruritania on Monday, the foreign ministry of Ruritania said.\n"
QUOTE = "Freedonia opened an embassy in Ruritania"
CLAIM = """
claim:embassy a <{base}ontology#EmbassyOpening> ;
    rdfs:label "Freedonia opens an embassy in Ruritania"@en, "Freedonia membuka kedutaan di Ruritania"@id ;
    dprk:gloss "Freedonia opened an embassy in Ruritania."@en ;
    dprk:party state:FRE, state:RUR ;
    dprk:date "2025-01-27"^^xsd:date ;
    dprk:modality dprk:Factual ;
    dprk:rank dprk:NormalRank ;
    dprk:reviewStatus dprk:Reviewed ;
    dprk:citation citation:embassy-c1 .

"""


def dprk_ld(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dprk_ld", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project under BASE with a second claim, made as its README says (source describe, cite)."""
    root = tmp_path_factory.mktemp("own") / "mydata"
    made = dprk_ld("init", str(root), "--base", BASE, "--title", "My data", "--creator", "A. Researcher")
    assert made.returncode == 0, made.stderr
    (root / "sources" / "times-002.txt").write_text(ARTICLE, encoding="utf-8")
    described = dprk_ld("source", "describe", "sources/times-002.txt", "--date", "2025-01-31", "--publisher",
                        "agency:example-gazette", "--title", "Freedonia opens an embassy", cwd=root)
    assert described.returncode == 0, described.stderr
    cited = dprk_ld("cite", "sources/times-002.txt", QUOTE, "--id", "embassy-c1", "--attributed-to",
                    "agency:ruritania-foreign-ministry", cwd=root)
    assert cited.returncode == 0, cited.stderr
    with (root / "data" / "sources.ttl").open("a", encoding="utf-8") as out:
        out.write("\n" + described.stdout)
    with (root / "data" / "claims.ttl").open("a", encoding="utf-8") as out:
        out.write(CLAIM.format(base=BASE) + cited.stdout)
    checked = dprk_ld("validate", "--project", str(root), "--sources", str(root / "sources"))
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr
    return root


def test_the_base_comes_from_dataset_toml(project: Path) -> None:
    meta = read_metadata(find_project(project))
    assert meta is not None and meta.base == BASE
    assert project_base(find_project(project)) == BASE
    dataset = load_project(project)
    assert dataset.base == BASE
    assert all(g.startswith(BASE + "graph/") for g in dataset.files)  # file graphs are named under it too


@pytest.fixture(scope="module")
def release(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("own-release") / "dist"
    summary = build_release(load_project(project), out)
    assert summary.claims == 2
    return out


def hrefs(page: Path) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'(?:href|src)="([^"]*)"', page.read_text("utf-8"))]


def test_the_static_site_lists_and_describes_the_claims(release: Path) -> None:
    claims = (release / "claims.html").read_text("utf-8")
    assert 'href="id/claim/embassy.html"' in claims and 'href="id/claim/example-relations.html"' in claims
    page = (release / "id" / "claim" / "embassy.html").read_text("utf-8")
    assert "Freedonia opens an embassy in Ruritania" in page and QUOTE in page
    assert '["claim/embassy",' in (release / "search-text" / "0.js").read_text("utf-8")
    assert "Freedonia opens an embassy in Ruritania" in (release / "timeline.html").read_text("utf-8")
    assert (release / "id" / "state" / "FRE.html").is_file()
    assert (release / "graph" / "data" / "claims.ttl.html").is_file()
    assert f"<{BASE}id/claim/embassy>" in (release / "id" / "claim" / "embassy.ttl").read_text("utf-8")
    void = (release / "void.ttl").read_text("utf-8")
    assert f"<{BASE}dataset>" in void and f'"{BASE}id/"' in void and OURS + "dataset" not in void
    assert not (release / "w3id.htaccess").exists()  # that file is for a w3id.org base only


def test_every_link_of_the_static_site_resolves_and_none_points_at_the_dprk_ld_base(release: Path) -> None:
    broken, ours = [], []
    for page in release.rglob("*.html"):
        at = page.relative_to(release).as_posix()
        for href in hrefs(page):
            if href.startswith(OURS) and not href.startswith(BORROWED):
                ours.append((at, href))
            if href.startswith(("http://", "https://", "#", "?", "data:")) or "__ID__" in href:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(at), href.split("#")[0].split("?")[0]))
            if not (release / target).exists():
                broken.append((at, href))
    assert not broken, broken[:10]
    assert not ours, ours[:10]


def call(app: Any, url: str, accept: str = "text/html", follow: bool = True) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     follow_redirects=follow) as client:
            return await client.get(url, headers={"Accept": accept})

    return asyncio.run(go())


def test_serve_dereferences_the_claim_and_the_browser_finds_it(project: Path) -> None:
    app = create_app(load_project(project))
    thing = call(app, "/id/claim/embassy", follow=False)
    assert thing.status_code == 303 and thing.headers["location"] == "/id/claim/embassy.html"
    page = call(app, "/id/claim/embassy")
    assert page.status_code == 200 and "Freedonia opens an embassy in Ruritania" in page.text
    assert 'href="/id/state/FRE"' in page.text and OURS + "id/" not in page.text
    turtle = call(app, "/id/claim/embassy", accept="text/turtle")
    assert turtle.status_code == 200 and f"<{BASE}id/claim/embassy>" in turtle.text
    claims = call(app, "/claims")
    assert 'href="/id/claim/embassy"' in claims.text
    assert call(app, "/search-index.js").status_code == 200
    assert '["claim/embassy",' in call(app, "/search-text/0.js").text
    state = call(app, "/id/state/FRE")
    assert state.status_code == 200 and "/claims?party=state%2FFRE" in state.text
    home = call(app, "/")
    assert home.status_code == 200 and "My data" in home.text
    assert all(not h.startswith(OURS) or h.startswith(BORROWED)
               for h in re.findall(r'href="([^"]*)"', home.text))


def test_serve_results_pages_link_the_projects_iris_to_its_own_pages(project: Path) -> None:
    app = create_app(load_project(project))
    try:
        query = "SELECT ?c WHERE { ?c a <https://example.org/mydata/ontology#EmbassyOpening> }"
        answer = call(app, "/sparql?query=" + quote(query, safe=""))
        assert answer.status_code == 200, answer.text
        assert 'href="/id/claim/embassy"' in answer.text
        canned = call(app, "/queries/claims")
        assert canned.status_code == 200 and 'href="/id/claim/embassy"' in canned.text
    finally:
        app.state.service.close()


def test_the_reconciliation_service_speaks_for_the_projects_entities(project: Path) -> None:
    app = create_app(load_project(project))
    try:
        manifest = call(app, "/reconcile").json()
        check("manifest", manifest)
        assert manifest["identifierSpace"] == BASE + "id/"
        batch = {"q0": {"query": "Freedonia", "type": "State"}, "q1": {"query": "Ruritania"}}
        answer = call(app, "/reconcile?queries=" + quote(json.dumps(batch), safe=""))
        check("reconciliation-result-batch", answer.json())
        top = {k: v["result"][0] for k, v in answer.json().items()}
        assert top["q0"]["id"] == "state/FRE" and top["q0"]["match"] and top["q1"]["id"] == "state/RUR"
        preview = call(app, "/reconcile/preview?id=state/FRE")
        assert preview.status_code == 200 and "Freedonia" in preview.text
    finally:
        app.state.service.close()


def test_the_wikidata_view_mints_its_statements_under_the_projects_base(release: Path) -> None:
    view = (release / "dumps" / "dprk-ld-wikidata.nq").read_text("utf-8")
    # the view has the claims of dprk-ld's classes (the project's own EmbassyOpening is not one of them)
    assert f"<{BASE}id/statement/example-relations>" in view
    assert f"<{BASE}id/reference/example-relations-c1>" in view
    assert f"<{BASE}graph/wikidata-view>" in view
    assert OURS + "id/statement/" not in view and OURS + "id/reference/" not in view and OURS + "graph/" not in view
    assert (release / "id" / "statement" / "example-relations.html").is_file()
