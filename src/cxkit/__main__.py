"""Run the CLI as ``python -m cxkit``."""

from __future__ import annotations

from cxkit.cli import main

main()
