"""Child process for the crash-safety test: saves in a loop until killed.

    python child_saver.py STORE [LIMIT]

Loads STORE, takes the highest `arr` as the last sequence number, then for
each next number edits one implementation (`seq % count`): `arr` = seq and a
note with it, saved with `FileStore.save_implementation_sync`. Only after the
save returns does it print `ID SEQ` and flush: an acknowledged save. Prints
`ready SEQ` once loaded. Stops after LIMIT saves (default: until killed, or
when its parent is gone). Kept tiny so that it starts fast.
"""

from __future__ import annotations

import os
import sys

import msgspec

from ps_tui.store.file import FileStore


def main() -> int:
    path = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    parent = os.getppid()
    store = FileStore(path)
    impls = list(store.read().implementations)
    seq = max(impl.arr for impl in impls)
    out = sys.stdout
    out.write(f"ready {seq}\n")
    out.flush()
    for _ in range(limit):
        if os.getppid() != parent:
            return 1
        seq += 1
        index = seq % len(impls)
        impl = msgspec.structs.replace(impls[index], arr=seq, notes=f"édité n° {seq}")
        store.save_implementation_sync(impl)
        impls[index] = impl
        out.write(f"{impl.id} {seq}\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
