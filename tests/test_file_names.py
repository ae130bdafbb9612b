"""Any file name works: spaces, %, non-ASCII — each file's named graph is its path, percent-encoded (RFC 3986)."""

from __future__ import annotations

import json
import shutil
import string
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dprk_ld.cli import main
from dprk_ld.load import GRAPH_BASE, load_project

from .conftest import MINI

NAME_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\\0")


def test_the_name_from_the_issue(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(MINI, project)
    shutil.move(project / "data" / "claims.ttl", project / "data" / "my notes 100%.ttl")
    dataset = load_project(project)
    assert GRAPH_BASE + "data/my%20notes%20100%25.ttl" in dataset.files
    result = CliRunner().invoke(main, ["validate", "--project", str(project), "--format", "json",
                                       "--check", "shacl", "--check", "citations"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["conforms"] is True


def test_a_finding_names_the_file_as_written(mini_copy) -> None:
    project = mini_copy({"data/claims.ttl": [("state:RUR a dprk:State", "state:RUR a dprk:Stat")]})
    shutil.move(project / "data" / "claims.ttl", project / "data" / "ähnlich #1 [draft].ttl")
    result = CliRunner().invoke(main, ["validate", "--project", str(project), "--format", "json",
                                       "--check", "vocabulary"])
    assert result.exit_code == 1
    files = {f["file"] for f in json.loads(result.stdout)["findings"]}
    assert files == {"data/ähnlich #1 [draft].ttl"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(NAME_CHARS, min_size=1, max_size=40).filter(lambda s: s not in (".", "..")))
def test_any_name_loads_into_a_valid_graph_iri(tmp_path_factory, name: str) -> None:
    project = tmp_path_factory.mktemp("names") / "p"
    shutil.copytree(MINI, project)
    target = project / "data" / (name + ".ttl")
    try:
        shutil.move(project / "data" / "claims.ttl", target)
    except OSError:  # a name this file system refuses (too long in bytes): not ours to support
        return
    dataset = load_project(project)
    [iri] = dataset.graphs_of("data")
    ox.NamedNode(iri)  # a valid IRI
    assert unquote(iri[len(GRAPH_BASE):]) == "data/" + name + ".ttl"
    assert set(iri[len(GRAPH_BASE):]) <= set(string.ascii_letters + string.digits + "/-._~!$&'()*+,;=:@%")
