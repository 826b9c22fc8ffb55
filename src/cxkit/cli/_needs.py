"""Missing inputs, said: a needed table that is empty stops a command; a partial one warns.

The words come from `cxkit.present.NEEDS`; this module only prints them, in yellow, one
line each, on standard error, and exits 2 where nothing could be computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from cxkit.cli._common import err_console
from cxkit.errors import MissingInput

if TYPE_CHECKING:
    from cxkit.store import TableSource

__all__ = ["check", "said", "warn"]


def warn(message: str) -> None:
    """Print one yellow warning line (never wrapped: it is one sentence to copy from)."""
    err_console.print(
        f"[yellow]warning[/yellow]: {escape(message)}", soft_wrap=True, highlight=False
    )


@contextmanager
def said() -> Iterator[None]:
    """Run the block; a `MissingInput` raised in it prints one yellow line and exits 2."""
    try:
        yield
    except MissingInput as exc:
        err_console.print(
            f"[yellow]{type(exc).__name__}[/yellow]: {escape(str(exc))}",
            soft_wrap=True,
            highlight=False,
        )
        raise typer.Exit(2) from None


def check(source: TableSource, capability: str) -> None:
    """Raise `MissingInput` if ``capability`` cannot be computed; warn of what is partial."""
    from cxkit.present import require

    for partial in require(source, capability):
        warn(partial.message())
