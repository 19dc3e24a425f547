"""Set-up helpers that run before the project's virtual environment exists (stdlib only)."""
