"""The release's w3id.org rules send every minted IRI kind to a document that exists in the hosted release.

A small interpreter of the mod_rewrite subset the rules use (RewriteCond on %{HTTP_ACCEPT} and
%{REQUEST_URI}, RewriteRule with $n and %{ENV:…}, flags R=…, L, E=…) runs each IRI kind with each Accept a
client sends, and the target must be a file of the release (or the endpoint, for the service).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dprk_ld.load import load_project
from dprk_ld.publish import build_release
from dprk_ld.publish.hosting import ENDPOINT_TARGET, RELEASE_TARGET, RELEASES_TARGET

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "build"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hosting") / "dist"
    build_release(load_project(FIXTURE), out)
    return out


def rewrite(rules: str, path: str, accept: str) -> tuple[int, str]:
    """Where Apache sends a request for https://w3id.org/dprk-ld/<path> with this Accept: (status, URL)."""
    env: dict[str, str] = {}
    conds: list[tuple[str, str]] = []
    for line in rules.splitlines():
        line = line.strip()
        if line.startswith("RewriteCond "):
            _, var, pattern = line.split(None, 2)
            conds.append((var, pattern))
            continue
        if not line.startswith("RewriteRule "):
            continue
        _, pattern, target, flags = line.split(None, 3)
        values = {"%{HTTP_ACCEPT}": accept, "%{REQUEST_URI}": "/dprk-ld/" + path}
        negated = [(values[v], p[1:], True) if p.startswith("!") else (values[v], p, False) for v, p in conds]
        conds = []
        if not all(bool(re.search(p, value)) != neg for value, p, neg in negated):
            continue
        match = re.search(pattern, path)
        if match is None:
            continue
        flag = dict(f.split("=", 1) if "=" in f else (f, "") for f in flags.strip("[]").split(","))
        if target == "-":
            name, _, value = flag["E"].partition(":")
            env[name] = value
            continue
        url = re.sub(r"%\{ENV:(\w+)\}", lambda m: env[m.group(1)], target)
        url = re.sub(r"\$(\d)", lambda m, found=match: found.group(int(m.group(1))) or "", url)
        return int(flag["R"]), url
    return 404, ""


CASES = [  # IRI path, Accept, status, file of the release (or endpoint URL)
    ("", BROWSER, 303, "index.html"), ("", "text/turtle", 303, "index.ttl"),
    ("id/state/RUS", BROWSER, 303, "id/state/RUS.html"), ("id/state/RUS", "text/turtle", 303, "id/state/RUS.ttl"),
    ("id/state/RUS", "application/ld+json", 303, "id/state/RUS.jsonld"),
    ("id/state/RUS.ttl", BROWSER, 302, "id/state/RUS.ttl"),
    ("prop/direct/visits", "text/turtle", 303, "prop/direct/visits.ttl"),
    ("prop/", "application/ld+json", 303, "prop/index.jsonld"),
    ("graph/data/a000.ttl", "text/turtle", 303, "graph/data/a000.ttl.ttl"),
    ("graph/data/a000.ttl", BROWSER, 303, "graph/data/a000.ttl.html"),
    ("graph/data/a000.ttl.jsonld", "*/*", 302, "graph/data/a000.ttl.jsonld"),
    ("ontology", BROWSER, 303, "ontology.html"), ("ontology", "text/turtle", 303, "ontology.ttl"),
    ("shapes", "text/turtle, application/ld+json;q=0.5", 303, "shapes.ttl"),
    ("dataset", "application/ld+json", 303, "dataset.jsonld"),
    ("context.jsonld", "application/ld+json", 302, "context.jsonld"),
]


@pytest.mark.parametrize(("path", "accept", "status", "file"), CASES)
def test_w3id_rules_reach_the_hosted_documents(release: Path, path: str, accept: str, status: int,
                                               file: str) -> None:
    got, url = rewrite((release / "w3id.htaccess").read_text(encoding="utf-8"), path, accept)
    assert (got, url) == (status, RELEASE_TARGET + file)
    assert (release / file).is_file()


def test_w3id_rules_for_releases_and_the_endpoint(release: Path) -> None:
    rules = (release / "w3id.htaccess").read_text(encoding="utf-8")
    dump = "1.0.0/dumps/dprk-ld.ttl"
    assert rewrite(rules, "release/" + dump, "*/*") == (302, RELEASES_TARGET + dump)
    assert rewrite(rules, "sparql", "application/sparql-results+json") == (307, ENDPOINT_TARGET + "sparql")
    assert rewrite(rules, "queries/claims-by-state", BROWSER) == (307, ENDPOINT_TARGET + "queries/claims-by-state")


def test_static_host_files(release: Path) -> None:
    apache = (release / ".htaccess").read_text(encoding="utf-8")
    assert "AddType text/turtle .ttl" in apache and "AddType application/ld+json .jsonld" in apache
    assert 'Access-Control-Allow-Origin "*"' in apache
    headers = (release / "_headers").read_text(encoding="utf-8")
    assert "/*.ttl\n  Content-Type: text/turtle; charset=utf-8" in headers
