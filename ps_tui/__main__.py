"""`python -m ps_tui` runs the command line."""

import sys

from ps_tui.cli import main

sys.exit(main())
