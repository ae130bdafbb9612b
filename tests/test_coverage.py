"""Coverage (dprk_ld.validate.coverage, `dprk-ld coverage`, validate's warnings, the release page)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dprk_ld.cli import main
from dprk_ld.load import load_project
from dprk_ld.publish import build_release
from dprk_ld.validate import validate
from dprk_ld.validate.coverage import coverage, split_sentences

from .conftest import MINI, MINI_SOURCES, ROOT, SEEDS, require_path

ID = "https://w3id.org/dprk-ld/id/"


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_sentences():
    assert texts("Satu. Dua!  Tiga? empat.\nLima") == ["Satu.", "Dua!", "Tiga? empat.", "Lima"]
    assert texts('Ia berkata "sedekat bibir dan gigi." Media resmi.') == [
        'Ia berkata "sedekat bibir dan gigi."', "Media resmi."]
    assert texts("1. Rusia\n\n2. China") == ["1. Rusia", "2. China"]  # list numbers are not sentences
    assert texts("mengirim 3.000 tentara. Lalu $ 10 miliar.") == ["mengirim 3.000 tentara.", "Lalu $ 10 miliar."]
    assert texts("SEWAKTU.com -- Tahun ini") == ["SEWAKTU.com -- Tahun ini"]
    text = "  Satu.  Dua.  "
    assert split_sentences(text) == [(2, 7), (9, 13)]  # offsets are str indices, stripped of white space


def test_mini_fixture_is_fully_cited():
    report = coverage(load_project(MINI), MINI_SOURCES)
    assert report.complete and report.count("cited") == 2 and report.count("uncovered") == 0


def test_uncovered_sentence_is_a_warning_with_text_and_offsets(mini_copy):
    project = mini_copy({"data/claims.ttl": [("citation:tractors-c1 , citation:tractors-c2 .",
                                              "citation:tractors-c1 .")]})
    dataset = load_project(project)
    report = coverage(dataset, MINI_SOURCES)
    assert [(s.start, s.end, s.status) for s in report.articles[0].sentences] == [
        (0, 77, "cited"), (78, 110, "uncovered")]
    assert report.articles[0].sentences[1].text == "Freedonia denied receiving them."
    found = [f for f in validate(dataset, sources=MINI_SOURCES, checks=("coverage",)).findings
             if f.check == "coverage"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "78-110" in found[0].message and "Freedonia denied receiving them." in found[0].message
    assert found[0].file == "data/claims.ttl"
    result = CliRunner().invoke(main, ["coverage", "--project", str(project), "--sources", str(MINI_SOURCES)])
    assert result.exit_code == 1 and "uncovered" in result.output


def test_exclusion_sets_a_sentence_aside_and_a_misplaced_one_is_reported(mini_copy):
    exclusion = """
<https://w3id.org/dprk-ld/id/exclusion/denial> a dprk:Exclusion ;
    dprk:source source:note-001 ; dprk:startOffset 78 ; dprk:endOffset 110 ;
    dprk:exclusionReason dprk:NotAClaim .
<https://w3id.org/dprk-ld/id/exclusion/half> a dprk:Exclusion ;
    dprk:source source:note-001 ; dprk:startOffset 5 ; dprk:endOffset 20 ;
    dprk:exclusionReason dprk:Heading .
"""
    project = mini_copy({"data/claims.ttl": [("citation:tractors-c1 , citation:tractors-c2 .",
                                              "citation:tractors-c1 ."), ("dprk:stance dprk:Denied .",
                                                                          "dprk:stance dprk:Denied .\n" + exclusion)]})
    report = coverage(load_project(project), MINI_SOURCES)
    second = report.articles[0].sentences[1]
    assert (second.status, second.exclusions, second.reasons) == (
        "excluded", (ID + "exclusion/denial",), ("https://w3id.org/dprk-ld/ontology#NotAClaim",))
    assert second.text is None  # the text is given only for uncovered sentences
    assert [x for x, _ in report.stray_exclusions] == [ID + "exclusion/half"]
    assert not report.complete


def test_real_articles_every_sentence_accounted_for():
    seeds = require_path(SEEDS, "../shared/seeds")
    report = coverage(load_project(ROOT), seeds)
    assert len(report.articles) == 5 and not report.missing and not report.stray_exclusions
    uncovered = [(a.file, s.start, s.end, s.text) for a in report.articles for s in a.sentences
                 if s.status == "uncovered"]
    assert uncovered == []
    assert report.count("cited") > 100 and report.count("excluded") > 0
    for a in report.articles:  # sentences tile the text in order
        assert all(x.end <= y.start for x, y in zip(a.sentences, a.sentences[1:], strict=False))


def test_cli_coverage_json_and_text():
    seeds = require_path(SEEDS, "../shared/seeds")
    runner = CliRunner()
    result = runner.invoke(main, ["coverage", "--project", str(ROOT), "--sources", str(seeds), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["complete"] and data["uncovered"] == 0 and data["sentences"] == data["cited"] + data["excluded"]
    first = data["articles"][0]
    assert first["file"] == "000_d53926c0465d535d.txt"
    assert {"start", "end", "status", "claims", "exclusions", "reasons"} <= set(first["items"][0])
    text = runner.invoke(main, ["coverage", "--project", str(ROOT), "--sources", str(seeds)])
    assert text.exit_code == 0 and "every sentence accounted for" in text.stdout


def test_release_coverage_page_has_no_article_text(tmp_path: Path):
    seeds = require_path(SEEDS, "../shared/seeds")
    build_release(load_project(ROOT), tmp_path / "dist", sources=seeds)
    html = (tmp_path / "dist" / "coverage.html").read_text(encoding="utf-8")
    assert 'class="cov excluded"' in html and 'href="id/claim/a000-few-friends.html"' in html
    assert 'href="id/exclusion/a004-page-end.html"' in html and ">0–92<" in html.replace("&#8211;", "–")
    assert 'href="coverage.html"' in (tmp_path / "dist" / "index.html").read_text(encoding="utf-8")
    for article in sorted(seeds.iterdir()):  # no run of five words of any article is on the page
        words = article.read_text(encoding="utf-8").split()
        for i in range(len(words) - 4):
            run = " ".join(words[i:i + 5])
            assert run not in html, (article.name, run)
    assert re.search(r"\d+ sentences:\s+\d+ cited, \d+ set aside, 0 uncovered", html)


def test_release_without_sources_has_no_coverage_page(tmp_path: Path):
    build_release(load_project(ROOT / "tests" / "fixtures" / "build"), tmp_path / "dist")
    assert not (tmp_path / "dist" / "coverage.html").exists()
    assert 'href="coverage.html"' not in (tmp_path / "dist" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_coverage_needs_sources(fmt):
    result = CliRunner().invoke(main, ["coverage", "--project", str(MINI), "--format", fmt])
    assert result.exit_code == 2 and "--sources" in result.output
