"""A JSON store in the app's layout is decoded a piece of implementations at
a time (`store.json_pieces`), and reads exactly as one decode of it does,
whatever its strings hold; a file the cuts do not fit is decoded whole."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from bench.generate import generate
from ps_tui.core.model import StoreFile
from ps_tui.store import file as file_store
from ps_tui.store import json_pieces
from ps_tui.store.file import FileStore

#: What the cuts look for, and the list's end, as notes a customer may write.
TRICKY_NOTES = ['},\n    {"id": "x"}', "\n  ]\n}", '"implementations": [', "},\\n    {", "}, {"]


def written(tmp_path: Path, data: StoreFile) -> Path:
    path = tmp_path / "store.json"
    FileStore(path).write(data)
    return path


def compact(path: Path) -> Path:
    """`path` rewritten on one line (every key kept): not the app's layout."""
    path.write_bytes(msgspec.json.encode(msgspec.json.decode(path.read_bytes())))
    return path


def in_pieces(path: Path) -> StoreFile:
    """The load the app makes (with progress), with no fallback to one decode."""
    pieces = json_pieces.find(path.read_bytes())
    assert pieces is not None
    return file_store._decode_pieces(pieces, lambda step: None)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_pieces, "PIECE_BYTES", 1)  # a cut at every item


def test_the_pieces_are_the_whole_store(tmp_path: Path, small_pieces: None) -> None:
    path = written(tmp_path, generate(300))
    pieces = json_pieces.find(path.read_bytes())
    assert pieces is not None
    decode = msgspec.json.Decoder(list[msgspec.Raw]).decode
    assert [len(decode(piece)) for piece in pieces.each()] == [1] * 300
    assert in_pieces(path) == FileStore(path).read() == msgspec.json.decode(path.read_bytes(), type=StoreFile)


def test_strings_holding_the_cuts_are_not_cut(tmp_path: Path, small_pieces: None) -> None:
    data = generate(40)
    implementations = [
        msgspec.structs.replace(
            impl, notes=TRICKY_NOTES[at % len(TRICKY_NOTES)], customer=f"Acme }},\n    {{ {at}"
        )
        for at, impl in enumerate(data.implementations)
    ]
    data = msgspec.structs.replace(data, implementations=implementations)
    path = written(tmp_path, data)
    assert in_pieces(path) == FileStore(path).read() == data
    assert FileStore(path).read(progress=lambda step: None) == data


def test_an_empty_list_and_a_single_item(tmp_path: Path, small_pieces: None) -> None:
    for count in (0, 1):
        data = generate(1)
        folder = tmp_path / str(count)
        folder.mkdir()
        path = written(folder, msgspec.structs.replace(data, implementations=data.implementations[:count]))
        assert FileStore(path).read(progress=lambda step: None) == FileStore(path).read()
        assert len(FileStore(path).read().implementations) == count


def test_a_file_in_another_layout_is_decoded_whole(tmp_path: Path) -> None:
    path = compact(written(tmp_path, generate(30)))
    assert json_pieces.find(path.read_bytes()) is None
    assert FileStore(path).read(progress=lambda step: None) == FileStore(path).read()


def test_a_cut_inside_an_item_falls_back_to_one_decode(tmp_path: Path, small_pieces: None) -> None:
    # Hand-edited: two milestones of one item meet at the items' indentation,
    # so a cut lands inside that item and its pieces do not decode.
    path = written(tmp_path, generate(30))
    text = path.read_text()
    inner = text.index("},\n        {", text.index('"implementations": ['))
    path.write_text(text[:inner] + "},\n    {" + text[inner + len("},\n        {") :])
    with pytest.raises((msgspec.DecodeError, msgspec.ValidationError)):
        in_pieces(path)
    assert FileStore(path).read(progress=lambda step: None) == FileStore(path).read()
    assert len(FileStore(path).read().implementations) == 30


def test_a_list_with_no_end_in_the_layout_is_decoded_whole(tmp_path: Path) -> None:
    # The list closes on the line of its last item: no end is found.
    path = written(tmp_path, generate(5))
    text = path.read_text()
    last = text.rindex("\n  ]")
    path.write_text(text[:last] + "]" + text[last + len("\n  ]") :])
    assert json_pieces.find(path.read_bytes()) is None
    assert len(FileStore(path).read(progress=lambda step: None).implementations) == 5


def test_a_list_that_is_not_the_last_field_is_decoded_whole(tmp_path: Path, small_pieces: None) -> None:
    path = written(tmp_path, generate(5))
    fields = msgspec.json.decode(path.read_bytes())
    first = {"implementations": fields.pop("implementations"), **fields}
    path.write_bytes(msgspec.json.format(msgspec.json.encode(first), indent=2) + b"\n")
    pieces = json_pieces.find(path.read_bytes())
    if pieces is not None:  # the end of another list, taken for this one's
        with pytest.raises((msgspec.DecodeError, msgspec.ValidationError)):
            in_pieces(path)
    assert FileStore(path).read(progress=lambda step: None) == FileStore(path).read()
    assert len(FileStore(path).read().implementations) == 5
