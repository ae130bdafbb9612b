"""QuickStatements V1 export (dprk_ld.wikidata.quickstatements): line by line on the fixture, skips, real data."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from dprk_ld.cli import main
from dprk_ld.load import load_project
from dprk_ld.wikidata.quickstatements import export_quickstatements, qs_date, qs_string

from .conftest import ROOT, require_path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "wikidata" / "project"
SHARED_QIDS = HERE.parent.parent / "shared" / "wikidata-qids.tsv"
CLAIM = "https://w3id.org/dprk-ld/id/claim/"
URL = '"https://example.org/test-article-1"'

EXPECTED = [
    f'Q241\tP530\tQ423\tS854\t{URL}\tS1683\tid:"Kuba tetap bersahabat"',
    f'Q423\tP530\tQ241\tS854\t{URL}\tS1683\tid:"Kuba tetap bersahabat"',
    f'Q159\tP530\tQ423\tP580\t+1948-10-12T00:00:00Z/11\tS854\t{URL}\t'
    'S1683\tid:"Rusia dan Korea Utara menjalin hubungan "sejak 1948""',
    f'Q423\tP530\tQ159\tP580\t+1948-10-12T00:00:00Z/11\tS854\t{URL}\t'
    'S1683\tid:"Rusia dan Korea Utara menjalin hubungan "sejak 1948""',
    'Q148\tP530\tQ423\tP580\t+1949-10-00T00:00:00Z/10\tS1683\tid:"Tiongkok dan Korut"',
    'Q423\tP530\tQ148\tP580\t+1949-10-00T00:00:00Z/10\tS1683\tid:"Tiongkok dan Korut"',
    'Q8663\tP710\tQ30\tP585\t+1950-00-00T00:00:00Z/9\tS1683\tid:"Perang Korea"',
    'Q8663\tP710\tQ423\tP585\t+1950-00-00T00:00:00Z/9\tS1683\tid:"Perang Korea"',
    'Q8663\tP710\tQ884\tP585\t+1950-00-00T00:00:00Z/9\tS1683\tid:"Perang Korea"',
]

EXPECTED_SKIPS = {
    "t001-kim-statement": "not factual",
    "t001-prk-rus-shells": "no mappable property",
    "t001-rus-prk-treaty": "no verified QID",
    "t001-zzz-prk-relations": "no verified QID",
    "t002-jpn-prk-relations": "no usable reference",
    "t002-kor-prk-no-relations": "relation status Absent",
    "t002-rus-prk-severed": "deprecated rank",
}


@pytest.fixture(scope="module")
def export():
    return export_quickstatements(load_project(FIXTURE))


def test_lines_exactly(export):
    assert export.lines == EXPECTED


def test_deterministic(export):
    again = export_quickstatements(load_project(FIXTURE))
    assert again.lines == export.lines and again.skipped == export.skipped and again.notes == export.notes


def test_every_claim_is_exported_or_skipped(export):
    dataset = load_project(FIXTURE)
    claims = {r["c"].value for r in dataset.store.query(
        "SELECT ?c WHERE { ?c <https://w3id.org/dprk-ld/ontology#citation> ?x }", use_default_graph_as_union=True)}
    exported = {"t001-cub-prk-relations", "t001-rus-prk-relations", "t002-chn-prk-relations", "t002-korean-war"}
    skipped = {c for c, _ in export.skipped}
    assert {CLAIM + s for s in exported} | skipped == claims
    assert not skipped & {CLAIM + s for s in exported}


def test_skips_with_reasons(export):
    got = {claim[len(CLAIM):]: reason.split(":")[0] for claim, reason in export.skipped}
    assert got == EXPECTED_SKIPS
    assert export.skipped_by_reason() == {"deprecated rank": 1, "no mappable property": 1, "no usable reference": 1,
                                          "no verified QID": 2, "not factual": 1, "relation status Absent": 1}
    reasons = dict(export.skipped)
    assert "state/ZZZ" in reasons[CLAIM + "t001-zzz-prk-relations"]
    assert "Alleged" in reasons[CLAIM + "t002-jpn-prk-relations"]


def test_notes_say_what_was_left_out(export):
    notes = "\n".join(export.notes)
    assert "P813" in notes and "P407" in notes and "'id'" in notes
    assert "t001-rus-prk-relations-c2" in notes  # the quote with a line break


def test_line_syntax(export):
    item = r"Q[1-9]\d*"
    value = rf'(?:{item}|\+\d{{4}}-\d\d-\d\dT00:00:00Z/(?:9|10|11)|"[^\t\n]*"|[a-z-]+:"[^\t\n]*")'
    pattern = re.compile(rf"{item}\tP\d+\t{item}(?:\tP\d+\t{value})*(?:\tS\d+\t{value})+")
    for line in export.lines:
        assert pattern.fullmatch(line), line
        fields = line.split("\t")
        props = fields[1::2]
        allowed = {"P530", "P710", "P1891", "P585", "P580", "P582", "S248", "S854", "S1683", "S813", "S407"}
        assert set(props) <= allowed
        assert "S1683" in props


def test_every_qid_is_verified(export):
    require_path(SHARED_QIDS, "../shared/wikidata-qids.tsv")
    verified = {line.split("\t")[0] for line in SHARED_QIDS.read_text(encoding="utf-8").splitlines()
                if line.startswith("Q")}
    used = {f for line in export.lines for f in re.findall(r"(?<![\w+])Q\d+(?!\w)", line)}
    assert used and used <= verified


@pytest.mark.parametrize(("value", "dtype", "expected"), [
    ("2024-06-19", "date", "+2024-06-19T00:00:00Z/11"),
    ("2024-06", "gYearMonth", "+2024-06-00T00:00:00Z/10"),
    ("2024", "gYear", "+2024-00-00T00:00:00Z/9"),
    ("2024", "date", None),
    ("June 2024", "string", None),
])
def test_qs_date(value, dtype, expected):
    lit = ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#" + dtype))
    assert qs_date(lit) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('a "quoted" word', '"a "quoted" word"'),
    ("tab\there", None),
    ("line\nbreak", None),
    (" leading space", None),
    ("x" * 1501, None),
    ("", None),
])
def test_qs_string(text, expected):
    assert qs_string(text) == expected


def test_cli_export_quickstatements(tmp_path):
    out = tmp_path / "qs.tsv"
    result = CliRunner().invoke(main, ["export", "quickstatements", "--project", str(FIXTURE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines() == EXPECTED
    assert "9 QuickStatements lines" in result.output and "t002-kor-prk-no-relations" in result.output
    stdout = CliRunner().invoke(main, ["export", "quickstatements", "--project", str(FIXTURE)])
    assert stdout.exit_code == 0
    assert stdout.stdout.splitlines() == EXPECTED


# ---------------------------------------------------------------- the real dataset

@pytest.fixture(scope="module")
def real():
    dataset = load_project(ROOT)
    return dataset, export_quickstatements(dataset)


def test_real_bulgaria_relation(real):
    _, export = real
    bulgaria = [line for line in export.lines if line.startswith(("Q219\tP530\tQ423", "Q423\tP530\tQ219"))]
    assert all("\tP580\t+1948-00-00T00:00:00Z/9\t" in line and "\tS1683\tid:\"" in line for line in bulgaria)
    assert len(bulgaria) == 2


def test_real_every_claim_accounted_for_and_qids_verified(real):
    dataset, export = real
    claims = {r["c"].value for r in dataset.store.query(
        "SELECT ?c WHERE { ?c <https://w3id.org/dprk-ld/ontology#citation> ?x }", use_default_graph_as_union=True)}
    skipped = {c for c, _ in export.skipped}
    assert skipped <= claims
    require_path(SHARED_QIDS, "../shared/wikidata-qids.tsv")
    verified = {line.split("\t")[0] for line in SHARED_QIDS.read_text(encoding="utf-8").splitlines()
                if line.startswith("Q")}
    used = {f for line in export.lines for f in re.findall(r"(?<![\w+])Q\d+(?!\w)", line)}
    assert used <= verified
    assert export.lines == export_quickstatements(dataset).lines


def test_real_flagged_claims_are_not_exported(real):
    dataset, export = real
    flagged = {r["c"].value for r in dataset.store.query(
        "SELECT ?c WHERE { ?c <https://w3id.org/dprk-ld/ontology#reviewStatus> "
        "<https://w3id.org/dprk-ld/ontology#FlaggedForReview> }", use_default_graph_as_union=True)}
    assert "https://w3id.org/dprk-ld/id/claim/a000-usa-official-relations" in flagged
    reasons = dict(export.skipped)
    assert all(reasons[c].startswith("flagged for review") for c in flagged)
    # the flagged claim is North Korea's only diplomatic-relation claim with the US (Q30): nothing of it is written
    assert not [line for line in export.lines if line.startswith(("Q423\tP530\tQ30", "Q30\tP530\tQ423"))]
