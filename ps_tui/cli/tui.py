"""`ps-tui` with no subcommand: the TUI."""

from __future__ import annotations

import argparse
import sys

from ps_tui.config import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.app import PsApp
    from ps_tui.session import open_store

    app = PsApp(store=open_store(settings), settings=settings)
    app.run()
    if app.failure:
        # Printed after the terminal is restored, unwrapped, like `validate`.
        print(app.failure, file=sys.stderr)
    return app.return_code or 0
