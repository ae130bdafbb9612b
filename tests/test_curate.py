"""The curation helpers: `dprk-ld cite` and `dprk-ld source describe`."""

from __future__ import annotations

from click.testing import CliRunner

from dprk_ld.cli import main

from .conftest import MINI_SOURCES

NOTE = str(MINI_SOURCES / "note-001.txt")


def test_cite_prints_exact_offsets():
    result = CliRunner().invoke(main, ["cite", NOTE, "Freedonia denied receiving them", "--id", "x-c2",
                                       "--stance", "Denied", "--attributed-to", "state:FRE"])
    assert result.exit_code == 0, result.output
    assert "dprk:startOffset 78 ;" in result.output and "dprk:endOffset 109 ;" in result.output
    assert "dprk:stance dprk:Denied" in result.output and "dprk:attributedTo state:FRE" in result.output
    assert "source:note-001" in result.output


def test_cite_missing_quote_shows_closest_passage():
    result = CliRunner().invoke(main, ["cite", NOTE, "Ruritania sent twelve tractor to Freedonia"])
    assert result.exit_code == 2
    assert "does not occur" in result.output and "Ruritania sent twelve tractors to Freedoni" in result.output


def test_cite_ambiguous_quote_lists_occurrences():
    result = CliRunner().invoke(main, ["cite", NOTE, "Freedonia"])
    assert result.exit_code == 2
    assert "occurs 2 times" in result.output and "offsets 34-43" in result.output
    chosen = CliRunner().invoke(main, ["cite", NOTE, "Freedonia", "--occurrence", "2"])
    assert "dprk:startOffset 78 ;" in chosen.output


def test_source_describe():
    result = CliRunner().invoke(main, ["source", "describe", NOTE, "--date", "2020-03", "--title", "A note"])
    assert result.exit_code == 0, result.output
    assert 'dprk:sha256 "283cde8414dc03d2aa5e1cfd4c8a195f17085a38bf4d61849642e6da50f01878"' in result.output
    assert 'dcterms:issued "2020-03"^^xsd:gYearMonth' in result.output
    assert 'dcterms:language "en"^^xsd:language' in result.output


def test_source_describe_bad_date():
    result = CliRunner().invoke(main, ["source", "describe", NOTE, "--date", "March 2020"])
    assert result.exit_code == 2 and "is not YYYY" in result.output
