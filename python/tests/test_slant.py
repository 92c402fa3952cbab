"""The Python package: analyze over files, records over Arrow data through
slant's record gate, reports back as pyarrow/pandas, errors as exceptions
with the library's messages."""

import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import slant

ROWS = [
    ("a1", "ledger", "2020-03-04", "Militants attacked the base. Rebels fled the town."),
    ("a2", "wire", "2020-03-05", "Insurgents attacked the base; the terrorists fled."),
    ("a3", "ledger", "2020-03-06", "Protesters marched. Rioters looted the shops."),
    ("a4", "post", "2020-03-06", "Freedom fighters seized the town after the raid."),
    ("a5", "wire", "2020-03-07", "Demonstrators gathered and the police cleared the square."),
    ("a6", "post", "2020-03-08", "Gunmen attacked the convoy, the army said."),
]


def table(text_type=pa.string()):
    cols = list(zip(*ROWS))
    return pa.table({
        "id": pa.array(cols[0]),
        "outlet": pa.array(cols[1]),
        "day": pa.array(cols[2]),
        "body": pa.array(cols[3], type=text_type),
    })


def write_csv(path):
    lines = ["id,outlet,day,body"] + [f'{i},{s},{d},"{t}"' for i, s, d, t in ROWS]
    path.write_text("\n".join(lines) + "\n")


def test_analyze_csv_and_read_reports(tmp_path):
    write_csv(tmp_path / "news.csv")
    out = tmp_path / "out"
    s = slant.analyze(tmp_path / "news.csv", out, text_col="body", date_col="day",
                      no_models=True, bootstrap=50)
    assert (s["read"], s["analysed"], s["rejected"]) == (6, 6, 0)
    assert s["inputs"][0]["format"] == "csv"
    sources = slant.read_report(out, "sources")
    assert isinstance(sources, pa.Table)
    assert sorted(sources.column("source").to_pylist()) == ["ledger", "post", "wire"]
    docs = slant.read_report_pandas(out, "documents.csv")
    assert list(docs["id"]) == [r[0] for r in ROWS]
    assert json.loads((out / "run.json").read_text())["documents"]["read"] == 6


def test_labels_as_the_command_line(tmp_path):
    # As `slant analyze`: referents and their labels are found unless
    # no_labels is given, and partials count them too, so a merge writes the
    # same labels.csv.
    rows = [("k1", "ledger", "The Kestrel Front, a militant group, attacked the base."),
            ("k2", "wire", "The Kestrel Front, a terrorist group, attacked the base."),
            ("k3", "post", "Kestrel Front fighters attacked the base on Friday.")]
    t = pa.table({"id": [r[0] for r in rows], "source": [r[1] for r in rows],
                  "text": [r[2] for r in rows]})
    pq.write_table(t, tmp_path / "k.parquet")
    opts = dict(no_models=True, bootstrap=20)
    slant.analyze(tmp_path / "k.parquet", tmp_path / "a", **opts)
    labels = (tmp_path / "a" / "labels.csv").read_text()
    assert "Kestrel Front,ledger,militant group" in labels, labels
    assert "Kestrel Front,wire,terrorist group" in labels, labels
    slant.merge([slant.extract_partial(t, name="k", **opts)], tmp_path / "m", **opts)
    assert (tmp_path / "m" / "labels.csv").read_text().splitlines()[1:] == labels.splitlines()[1:]
    slant.analyze(tmp_path / "k.parquet", tmp_path / "n", no_labels=True, **opts)
    assert not (tmp_path / "n" / "labels.csv").exists()
    slant.analyze(tmp_path / "k.parquet", tmp_path / "c", label_rules="premodifier", **opts)
    only = (tmp_path / "c" / "labels.csv").read_text()
    assert "fighters" in only and "militant group" not in only, only
    with pytest.raises(slant.UsageError, match="label_rules: unknown rule 'bogus'"):
        slant.analyze(tmp_path / "k.parquet", tmp_path / "x", label_rules=["title", "bogus"], **opts)


def test_analyze_parquet_as_csv(tmp_path):
    write_csv(tmp_path / "news.csv")
    pq.write_table(table(pa.large_string()), tmp_path / "news.parquet", row_group_size=4)
    opts = dict(text_col="body", date_col="day", no_models=True, bootstrap=50)
    slant.analyze([tmp_path / "news.csv"], tmp_path / "c", **opts)
    s = slant.analyze(str(tmp_path / "news.parquet"), tmp_path / "p", **opts)
    assert s["inputs"][0]["format"] == "parquet"
    for name in ["sources.csv", "families.csv", "terms.csv", "stories.csv"]:
        c, p = tmp_path / "c" / name, tmp_path / "p" / name
        if c.exists():
            assert c.read_bytes() == p.read_bytes(), name


@pytest.mark.parametrize("text_type", [pa.string(), pa.large_string(), pa.string_view()])
def test_records_through_the_gate(text_type):
    t = table(text_type)
    body = t.column("body").to_pylist()
    body[1] = None
    body[2] = "   "
    t = t.set_column(3, "body", pa.array(body, type=text_type))
    docs, rejected = slant.read_records(t, text="body", date="day")
    assert [d["id"] for d in docs] == ["a1", "a4", "a5", "a6"]
    assert docs[0]["source"] == "ledger" and docs[0]["date"] == "2020-03-04"
    assert rejected == [
        {"row": 2, "id": "a2", "reason": "empty text"},
        {"row": 3, "id": "a3", "reason": "empty text"},
    ]


def test_records_from_batches_and_dictionaries():
    t = table()
    t = t.set_column(1, "outlet", t.column("outlet").dictionary_encode())
    batch = t.to_batches()[0]
    docs, rejected = slant.read_records(batch, text="body")
    assert len(docs) == 6 and not rejected
    assert docs[1]["source"] == "wire"
    # Integer ids are read as their number; a null source is a rejection.
    t = pa.table({"id": pa.array([5, 6], pa.int64()),
                  "source": pa.array(["ledger", None]),
                  "text": ["Rebels fled.", "Rebels fled again."]})
    docs, rejected = slant.read_records(t)
    assert docs[0]["id"] == "5"
    assert rejected == [{"row": 2, "id": "6", "reason": "empty source"}]


def test_errors_carry_the_library_messages(tmp_path):
    write_csv(tmp_path / "news.csv")
    with pytest.raises(slant.InputError, match="no column `text_col` for --text-col; columns are: id, outlet, day, body"):
        slant.analyze(tmp_path / "news.csv", tmp_path / "out", text_col="text_col")
    with pytest.raises(slant.InputError, match="columns are: id, outlet, day, body"):
        slant.read_records(table(), text="nope")
    with pytest.raises(slant.SlantError):
        slant.analyze(tmp_path / "missing.csv", tmp_path / "out")
    with pytest.raises(TypeError, match="unexpected keyword argument 'textcol'"):
        slant.analyze(tmp_path / "news.csv", tmp_path / "out", textcol="body")
    with pytest.raises(slant.UsageError, match="prior must be"):
        slant.analyze(tmp_path / "news.csv", tmp_path / "out", prior="flat")
    assert issubclass(slant.InputError, slant.SlantError)
    assert not (tmp_path / "out").exists()
    # A truncated Parquet file is refused with its name.
    pq.write_table(table(), tmp_path / "x.parquet")
    data = (tmp_path / "x.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(slant.InputError, match="cut.parquet: not a readable Parquet file"):
        slant.analyze(tmp_path / "cut.parquet", tmp_path / "out", text_col="body")


def _without_origin(path):
    """A CSV's rows without the columns saying where a record came from
    (a frame's rows have no file position)."""
    import csv

    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    drop = {i for i, c in enumerate(rows[0]) if c in ("file", "line", "record")}
    return [[c for i, c in enumerate(r) if i not in drop] for r in rows]


@pytest.mark.parametrize("text_type", [pa.string(), pa.large_string(), pa.string_view()])
def test_partials_of_batches_merge_into_analyze(tmp_path, text_type):
    t = table(text_type)
    pq.write_table(t, tmp_path / "news.parquet")
    opts = dict(date_col="day", no_models=True, bootstrap=50)
    slant.analyze(tmp_path / "news.parquet", tmp_path / "whole", text_col="body", **opts)
    batches = t.to_batches(max_chunksize=2)
    assert len(batches) == 3
    parts = [slant.extract_partial(b, text="body", **opts) for b in batches]
    assert all(isinstance(p, bytes) and p[:8] == b"SLANTPRT" for p in parts)
    s = slant.merge(parts[::-1], tmp_path / "merged", text_col="body", **opts)
    assert (s["read"], s["analysed"], s["rejected"]) == (6, 6, 0)
    compared = 0
    for f in sorted(os.listdir(tmp_path / "whole")):
        if not f.endswith(".csv"):
            continue
        a, b = tmp_path / "whole" / f, tmp_path / "merged" / f
        if f in ("documents.csv", "rejected.csv"):
            assert _without_origin(a) == _without_origin(b), f
        else:
            assert a.read_bytes() == b.read_bytes(), f
        compared += 1
    assert compared >= 6
    # A whole table at once gives the same reports.
    one = slant.extract_partial(t, text="body", **opts)
    slant.merge([one], tmp_path / "one", text_col="body", **opts)
    assert (tmp_path / "one" / "sources.csv").read_bytes() == (tmp_path / "merged" / "sources.csv").read_bytes()


def test_partial_null_texts_are_rejections_counted(tmp_path):
    t = table()
    body = t.column("body").to_pylist()
    body[0] = None
    t = t.set_column(3, "body", pa.array(body))
    part = slant.extract_partial(t, text="body", no_models=True)
    s = slant.merge([part], tmp_path / "out", text_col="body", no_models=True, bootstrap=20)
    assert (s["read"], s["analysed"], s["rejected"]) == (6, 5, 1)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    frame = run["inputs"][0]
    assert (frame["path"], frame["format"], frame["read"], frame["rejected"]) == ("frame", "dataframe", 6, 1)
    assert "empty text" in (tmp_path / "out" / "rejected.csv").read_text()


def test_partial_errors(tmp_path):
    with pytest.raises(slant.InputError, match="no column `nope` for --text-col; columns are: id, outlet, day, body"):
        slant.extract_partial(table(), text="nope")
    part = slant.extract_partial(table(), text="body", no_models=True)
    with pytest.raises(slant.SlantError, match="read.text_col"):
        slant.merge([part], tmp_path / "out", no_models=True)
    with pytest.raises(slant.SlantError):
        slant.merge([part[: len(part) // 2]], tmp_path / "out", text_col="body", no_models=True)
    assert not (tmp_path / "out").exists()


def test_the_package_ships_the_models(tmp_path):
    assert os.path.isfile(os.path.join(slant.MODELS, "loaded-language.json"))
    write_csv(tmp_path / "news.csv")
    s = slant.analyze(tmp_path / "news.csv", tmp_path / "out", text_col="body", bootstrap=20)
    assert sorted(m["kind"] for m in s["models"]) == ["loaded-language", "outlet-slant"], s["models"]
    assert (tmp_path / "out" / "sentences.csv").exists()
