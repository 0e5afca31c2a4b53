"""The reliability suite: crash safety under SIGKILL, concurrent writers,
broken store files, property tests and the TUI under bad conditions."""
