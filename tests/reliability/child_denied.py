"""Run `ps-tui ARGS...` as if STORE could not be read (EACCES), even as root.

    python child_denied.py STORE ARGS...

Root reads any file whatever its mode, so `chmod 000` cannot test the
"permission denied" path there. This wraps `open` and `os.open` so that opening STORE
fails exactly as the kernel would refuse it, then runs the real command line
and exits with its status.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import sys
from typing import Any


def main() -> int:
    denied = os.path.realpath(sys.argv[1])
    real_open = io.open

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, bytes, os.PathLike)) and os.path.realpath(os.fsdecode(file)) == denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    real_os_open = os.open

    def guarded_os_open(file: Any, *args: Any, **kwargs: Any) -> int:
        if isinstance(file, (str, bytes, os.PathLike)) and os.path.realpath(os.fsdecode(file)) == denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(file))
        return real_os_open(file, *args, **kwargs)

    builtins.open = io.open = guarded_open
    os.open = guarded_os_open  # type: ignore[assignment]
    from ps_tui.cli import main as cli

    return cli(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
