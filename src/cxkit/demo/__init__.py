"""The demo company: a seeded omnichannel retailer with planted problems and ground truth.

`build_demo` simulates it, writes its exports as CSV files and ingests them through the
same path a user's files take; `analyse_demo` then runs every analysis ``cx demo`` shows.
"""

from __future__ import annotations

from cxkit.demo._analyse import DEMO_ADMIN, DemoAnalysis, analyse_demo
from cxkit.demo._build import DemoReport, build_demo
from cxkit.demo._world import PERSONAS, TOUCHPOINTS, Persona

__all__ = [
    "DEMO_ADMIN",
    "PERSONAS",
    "TOUCHPOINTS",
    "DemoAnalysis",
    "DemoReport",
    "Persona",
    "analyse_demo",
    "build_demo",
]
