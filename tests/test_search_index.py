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
    assert all("g" not in c and "q" not in c for c in core["claims"])
    by_id = {c["id"]: c for c in index["claims"]}
    for k in range(parts):
        rows = parse(files[f"search-text/{k}.js"], f"(window.dprkSearchText=window.dprkSearchText||{{}})[{k}]=")
        assert isinstance(rows, list)
        for i, (gloss, quotes) in enumerate(rows):
            claim = core["claims"][k * size + i]
            assert [gloss, quotes] == [by_id[claim["id"]]["g"], by_id[claim["id"]]["q"]]
            assert [core["values"][n] for n in claim["party"]] == by_id[claim["id"]]["party"]
    dates = [c.get("d") or "9999" for c in core["claims"]]
    assert dates == sorted(dates)  # the default order: page 1 of the unfiltered list needs one part
    assert len(files["search-index.js"]) < 0.6 * len(json.dumps(index, ensure_ascii=False))


def test_parts_are_at_most_64_and_at_least_100_claims() -> None:
    assert text_size(10) == TEXT_MIN and text_size(6400) == TEXT_MIN
    assert text_size(100_000) == 1563 and -(-100_000 // text_size(100_000)) <= TEXT_PARTS
