"""Store backends: where a portfolio is loaded from and saved to."""
