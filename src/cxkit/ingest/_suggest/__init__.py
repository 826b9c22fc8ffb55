"""Suggest a mapping for an unknown export: its table, column rules, time formats, vocabularies.

The file is staged as ingest stages it (the engine reads it; nothing goes through pandas),
then only a sample is looked at: at most 1,000 rows, half from the top and half spread
evenly over the rest, so that a date such as 1/13/2011 late in a file whose first rows
are all 12/1/2010 settles whether the day or the month comes first. Formats and values
are tried with the parsers validation uses: what reads the sample here reads it at load.

The modules, in the order a suggestion is made:

- ``_sample``: stage the file (leniently, or as whitespace columns, where need be) and
  draw the sample;
- ``_names``: the other names exports give columns and vocabulary values, as data;
- ``_matching``: headers matched to a table's columns, one `ColumnGuess` each, and the
  table's score;
- ``_formats``: the strptime format that reads a time column's sampled values;
- ``_values``: sampled values checked against vocabularies, types and the table's key;
- ``_suggestion``: `suggest_mapping`, and the `Suggestion` it returns, written as TOML.
"""

from __future__ import annotations

from cxkit.ingest._suggest._matching import ColumnGuess
from cxkit.ingest._suggest._suggestion import Suggestion, suggest_mapping

__all__ = ["ColumnGuess", "Suggestion", "suggest_mapping"]
