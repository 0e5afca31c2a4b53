"""Child process for the two-writers test: edits its own implementations of
a shared store, as fast as it can, while another writer does the same.

    python child_writer.py STORE NAME PARITY EDITS

Edits the implementations at even (PARITY 0) or odd (1) positions, EDITS
times in turn, each edit appending a token `NAME<edit>.<attempt>` to the
notes. Waits for a line on stdin before starting, so that two writers start
together. For every attempt it prints one line:

    saved ID TOKEN
    refused ID TOKEN MESSAGE      (a StoreConflict: reload, then retry)

Any other failure is a traceback and a non-zero exit.
"""

from __future__ import annotations

import sys

import msgspec

from ps_tui.store.errors import StoreConflict
from ps_tui.store.file import FileStore


def main() -> int:
    path, name, parity, edits = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store = FileStore(path)
    data = store.read()
    mine = [impl.id for i, impl in enumerate(data.implementations) if i % 2 == parity]
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    sys.stdin.readline()
    for edit in range(edits):
        impl_id = mine[edit % len(mine)]
        for attempt in range(1000):
            token = f"{name}{edit}.{attempt}"
            # Always edit the freshest copy this writer has seen.
            current = next(impl for impl in data.implementations if impl.id == impl_id)
            notes = f"{current.notes} {token}".strip()
            try:
                data = store.save_implementation_sync(msgspec.structs.replace(current, notes=notes))
            except StoreConflict as conflict:
                message = str(conflict).replace("\n", " ")
                out.write(f"refused {impl_id} {token} {message}\n")
                data = store.read()
            else:
                out.write(f"saved {impl_id} {token}\n")
                break
        else:
            out.write(f"gave up {impl_id}\n")
            return 1
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
