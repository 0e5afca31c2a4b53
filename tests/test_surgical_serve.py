"""Saves through `ps-tui serve` are surgical too: a real server on a copy of
the hand-written store, edited with the real client, changes only the lines
of each edit (and the `updated` stamp the server adds)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from ps_tui.core.model import Implementation, Kpi
from ps_tui.store.http import RemoteStore
from tests.server_process import ServerProcess, start_server
from tests.test_surgical_save import FIXTURE, ORIGINAL, replaced

TOKEN = "surgical-token-0123456789"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ServerProcess, Path]]:
    path = tmp_path / "store.toml"
    shutil.copyfile(FIXTURE, path)
    process = start_server(path, token=TOKEN)
    try:
        yield process, path
    finally:
        process.stop()


async def test_edits_through_the_server_touch_only_their_lines(
    served: tuple[ServerProcess, Path], tmp_path: Path
) -> None:
    server, path = served
    client = RemoteStore(server.url, TOKEN, cache_dir=tmp_path / "cache")
    try:
        data = await client.load()
        initech = next(i for i in data.implementations if i.id == "IMP-0002")
        saved = await client.save_implementation(msgspec.structs.replace(initech, customer="Initech Corp"))
        stamp = next(i for i in saved.implementations if i.id == "IMP-0002").updated
        assert stamp is not None
        expected = replaced(
            ORIGINAL,
            ("customer = 'Initech'\n", 'customer = "Initech Corp"\n'),
            (
                'risks = [{ text = "Security review pending", opened = 2026-11-12 }]\n',
                'risks = [{ text = "Security review pending", opened = 2026-11-12 }]\n'
                f"updated = {stamp.isoformat()}\n",
            ),
        )
        assert path.read_text(encoding="utf-8") == expected

        await client.save_reference(msgspec.structs.replace(saved.reference, kpi=Kpi(target_days=28)))
        expected = replaced(expected, ("target_days = 30\n", "target_days = 28\n"))
        assert path.read_text(encoding="utf-8") == expected

        new = Implementation(id="IMP-0009", customer="Hooli", segment="mm")
        after_add = await client.save_implementation(new)
        added = next(i for i in after_add.implementations if i.id == "IMP-0009")
        assert added.updated is not None
        block = (
            '\n[[implementations]]\nid = "IMP-0009"\ncustomer = "Hooli"\nsegment = "mm"\n'
            f"updated = {added.updated.isoformat()}\n"
        )
        expected = replaced(expected, ("actual = 2026-09-28\n", "actual = 2026-09-28\n" + block))
        assert path.read_text(encoding="utf-8") == expected

        await client.delete_implementation("IMP-0009")
        expected = expected.replace(block, "")
        assert path.read_text(encoding="utf-8") == expected
    finally:
        await client.aclose()
