"""A Spark backend (PySpark through Ibis), for running the analytics on a cluster.

Ingest stays on the embedded DuckDB workspace; `mirror` copies its tables to Spark, where
every metric runs unchanged. Needs the ``spark`` extra and a Java runtime.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cxkit.errors import ConfigError
from cxkit.schema import TableSpec
from cxkit.store._backend import Backend

__all__ = ["SparkBackend"]


class SparkBackend(Backend):
    """Tables held as Spark temporary views; times in UTC."""

    scheme = "pyspark"

    @classmethod
    def from_url(cls, url: str) -> SparkBackend:
        """Start or reuse a Spark session: ``pyspark://local[2]`` (the master in the host part)."""
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise ConfigError(
                "the Spark backend needs the spark extra: pip install 'cxkit[spark]'"
            ) from None
        master = url.split("://", 1)[-1] or "local[2]"
        session = (
            SparkSession.builder.master(master)
            .appName("cxkit")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        return cls(ibis.pyspark.connect(session))

    def create_table(self, spec: TableSpec) -> None:
        """Create an empty temporary view for ``spec``."""
        self.load(spec.name, spec.ibis_schema().to_pyarrow().empty_table())

    def load(self, name: str, data: pa.Table) -> None:
        """Replace table ``name`` with ``data`` (a temporary view: nothing written to disk)."""
        session = self.con._session
        schema = _spark_schema(data.schema)
        # PySpark 4 takes Arrow tables, keeping nullable integers as integers.
        frame = session.createDataFrame(data, schema=schema)
        frame.createOrReplaceTempView(name)

    def delete_matching(self, name: str, expr: ir.Table, keys: Sequence[str]) -> None:
        """Not supported: Spark views are loaded whole with `load` (see `mirror`)."""
        raise ConfigError(
            "the Spark backend is read-only for cxkit: ingest into DuckDB, then mirror"
        )

    def stage(self, path: Path, fmt: str, options: dict[str, Any]) -> tuple[ir.Table, list[Any]]:
        """Not supported: files are ingested through the DuckDB workspace."""
        raise ConfigError("ingest into a DuckDB workspace, then mirror it to Spark")

    def materialize(self, expr: ir.Table, name: str) -> ir.Table:
        """Cache ``expr`` as a temporary view."""
        self.load(name, expr.to_pyarrow())
        return self.table(name)


def _spark_schema(schema: pa.Schema) -> Any:
    """Translate an Arrow schema to Spark's, so empty and all-null columns keep their types."""
    from pyspark.sql import types as st

    simple = {
        pa.string(): st.StringType(),
        pa.large_string(): st.StringType(),
        pa.int64(): st.LongType(),
        pa.int32(): st.IntegerType(),
        pa.float64(): st.DoubleType(),
        pa.bool_(): st.BooleanType(),
    }
    fields = []
    for f in schema:
        spark_type = simple.get(f.type)
        if spark_type is None and pa.types.is_timestamp(f.type):
            spark_type = st.TimestampType()
        if spark_type is None:
            raise ConfigError(f"column {f.name!r}: no Spark type for {f.type}")
        fields.append(st.StructField(f.name, spark_type, nullable=True))
    return st.StructType(fields)
