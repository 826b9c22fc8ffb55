"""Scoring a user's file: the delimiter is found among real delimiters only."""

from __future__ import annotations

import pandas as pd
import pytest

from cxkit.voice import score_file


@pytest.mark.parametrize(
    ("content", "name"),
    [
        ("text\nthe delivery was late\ngreat support, thanks\n", "one.csv"),
        ("id;text\n1;the delivery was late\n2;great support\n", "semi.csv"),
        ("id\ttext\n1\tthe delivery was late\n2\tgreat support\n", "tabs.tsv"),
        ('id,text\n1,"late, again"\n2,"great support"\n', "comma.csv"),
    ],
)
def test_the_text_column_is_found(tmp_path, content: str, name: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    scored = pd.read_csv(score_file(path, column="text"), dtype=str, keep_default_na=False)
    assert len(scored) == 2
    assert scored["text"].iloc[0] in ("the delivery was late", "late, again")
    assert set(scored["label"]) <= {"negative", "neutral", "positive"}
