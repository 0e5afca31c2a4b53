"""ps-tui: a keyboard-driven terminal dashboard for a Professional Services team."""

__version__ = "0.1.0"
