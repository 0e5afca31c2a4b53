"""Reusable widgets: presentation only, no file or network IO."""
