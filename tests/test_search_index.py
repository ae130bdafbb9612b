"""The claim browser's index in files (site/search.py index_files): a small first file, the text in parts."""

from __future__ import annotations

import json

from dprk_ld.load import load_project
from dprk_ld.site import Model
from dprk_ld.site.search import TEXT_MIN, TEXT_PARTS, index_files, search_index, text_size


def parse(script: str, prefix: str) -> object:
    assert script.startswith(prefix) and script.endswith(";\n")
    return json.loads(script[len(prefix):-2])


def test_the_first_file_has_no_text_and_the_parts_give_it_back_in_order() -> None:
    dataset = load_project(None)
    index = search_index(Model(dataset.store, sorted(dataset.files), base=dataset.base))
    files = index_files(index)
    core = parse(files["search-index.js"], "window.dprkSearch=")
    assert isinstance(core, dict) and core["version"] == 2
    size, parts = core["text"]["size"], core["text"]["parts"]
    assert sorted(files) == ["search-index.js"] + [f"search-text/{k}.js" for k in range(parts)]
    assert parts == 2 and size == TEXT_MIN  # 131 claims
    assert core["columns"] == ["class", "party", "stance", "modality", "rank", "source", "review", "y"]
    assert "analogi" not in files["search-index.js"]  # a word of quotes only: the text is in the parts
    by_id = {c["id"]: c for c in index["claims"]}
    order = []
    for k in range(parts):
        rows = parse(files[f"search-text/{k}.js"], f"(window.dprkSearchText=window.dprkSearchText||{{}})[{k}]=")
        assert isinstance(rows, list) and len(rows) <= size
        for i, (ident, labels, date, gloss, quotes) in enumerate(rows):
            claim, facets = by_id[ident], core["claims"][k * size + i]
            assert [labels, date, gloss, quotes] == [claim["t"], claim.get("d", ""), claim["g"], claim["q"]]
            assert [core["values"][n] for n in facets[1]] == claim["party"] and facets[-1] == claim.get("y", [])
            order.append((date or "9999", ident))
    assert order == sorted(order) and len(order) == len(index["claims"])  # the default display order
    assert len(files["search-index.js"]) < 0.2 * len(json.dumps(index, ensure_ascii=False))


def test_parts_are_at_most_64_and_at_least_100_claims() -> None:
    assert text_size(10) == TEXT_MIN and text_size(6400) == TEXT_MIN
    assert text_size(100_000) == 1563 and -(-100_000 // text_size(100_000)) <= TEXT_PARTS
