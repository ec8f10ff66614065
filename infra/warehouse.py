"""The analytics warehouse: BigQuery in the cloud, a DuckDB file with nothing configured.

Both sides speak BigQuery: tables are described by BigQuery JSON schemas (`TableSpec`),
and SQL is written in BigQuery's dialect. DuckDB runs the same SQL transpiled by sqlglot,
so what runs locally and in tests is what runs in the cloud (keep the SQL inside the
subset that transpiles faithfully; docs/ARCHITECTURE.md lists the known divergences).

Writes replace whole units, so a rerun gives the same tables:
- `load_partition`: the staged NDJSON files become one day's partition
  (BigQuery: a load job into `table$YYYYMMDD` with WRITE_TRUNCATE; DuckDB: delete the day
  and insert, in one transaction). A row outside that partition fails the load, as
  BigQuery's partition decorator does.
- `replace_table`: the staged files become the whole table (dimension snapshots).
- `replace_partition_from_query`: a SELECT's rows become one partition (marts).

Staging is where extracts wait for their load: a GCS bucket for BigQuery (load jobs read
gs:// URIs), a folder under DATA_DIR for DuckDB.

Heavy clients (duckdb, google-cloud-bigquery, google-cloud-storage, sqlglot) are imported
only by the backend that uses them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Protocol

from infra.settings import Settings, get_settings

# --- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """A warehouse table: its BigQuery JSON schema and how it is laid out."""

    name: str
    fields: tuple[Mapping[str, Any], ...]
    description: str = ""
    partition_field: str | None = None
    clustering: tuple[str, ...] = ()
    require_partition_filter: bool = False

    @property
    def columns(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def partition_id(self, partition: date) -> str:
        """BigQuery's partition decorator: `table$YYYYMMDD`."""
        if self.partition_field is None:
            raise ValueError(f"{self.name} is not partitioned")
        return f"{self.name}${partition:%Y%m%d}"


class Staging(Protocol):
    def clear(self, prefix: str) -> None:
        """Delete everything staged under `prefix` (a retry starts clean)."""

    def open(self, name: str) -> contextlib.AbstractContextManager[IO[bytes]]:
        """A binary file that becomes the staged object `name` when closed without error."""

    def uri(self, name: str) -> str:
        """Where the warehouse's load reads `name` from."""


class Warehouse(Protocol):
    kind: str
    staging: Staging

    def ensure_tables(self, tables: Sequence[TableSpec]) -> None: ...

    def load_partition(self, table: TableSpec, partition: date, uris: Sequence[str]) -> None: ...

    def replace_table(self, table: TableSpec, uris: Sequence[str]) -> None: ...

    def replace_partition_from_query(
        self, table: TableSpec, partition: date, sql: str, params: Mapping[str, Any]
    ) -> None: ...

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...


def get_warehouse(settings: Settings | None = None) -> Warehouse:
    """The warehouse chosen by settings: BigQuery in the cloud, else the local DuckDB file."""
    settings = settings or get_settings()
    if settings.uses_bigquery:
        return BigQueryWarehouse.from_settings(settings)
    return DuckDBWarehouse.from_settings(settings)


# --- staging --------------------------------------------------------------------------------


class LocalStaging:
    """Staged files in a folder; a part appears under its name only once fully written."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def clear(self, prefix: str) -> None:
        shutil.rmtree(self.root / prefix, ignore_errors=True)

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as f:
                yield f
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)

    def uri(self, name: str) -> str:
        return str(self.root / name)


class GcsStaging:
    """Staged objects in a GCS bucket under `prefix`. Each part is spooled to a local
    temporary file and uploaded whole (names are deterministic, so a retried upload
    overwrites the same object and retrying is safe)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "staging") -> None:
        self.client = client
        self.bucket_name = bucket
        self.prefix = prefix.strip("/")

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def clear(self, prefix: str) -> None:
        bucket = self.client.bucket(self.bucket_name)
        for blob in self.client.list_blobs(bucket, prefix=self._key(prefix).rstrip("/") + "/"):
            blob.delete()

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        from google.cloud.storage.retry import DEFAULT_RETRY

        with tempfile.NamedTemporaryFile(prefix="quad-stage-", suffix=".ndjson") as f:
            yield f
            f.flush()
            blob = self.client.bucket(self.bucket_name).blob(self._key(name))
            blob.upload_from_filename(
                f.name, content_type="application/x-ndjson", retry=DEFAULT_RETRY
            )

    def uri(self, name: str) -> str:
        return f"gs://{self.bucket_name}/{self._key(name)}"


# --- DuckDB ---------------------------------------------------------------------------------

_DUCKDB_TYPES = {
    "STRING": "VARCHAR",
    "BYTES": "BLOB",
    "INTEGER": "BIGINT",
    "INT64": "BIGINT",
    "FLOAT": "DOUBLE",
    "FLOAT64": "DOUBLE",
    "NUMERIC": "DECIMAL(38, 9)",
    "BOOLEAN": "BOOLEAN",
    "BOOL": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMPTZ",  # an instant, as in BigQuery; sessions run in UTC
    "DATETIME": "TIMESTAMP",
    "DATE": "DATE",
    "TIME": "TIME",
}


def duckdb_type(bigquery_field: Mapping[str, Any]) -> str:
    if bigquery_field.get("mode", "NULLABLE").upper() == "REPEATED":
        raise ValueError(f"{bigquery_field['name']}: REPEATED columns are not supported")
    try:
        return _DUCKDB_TYPES[bigquery_field["type"].upper()]
    except KeyError:
        raise ValueError(
            f"{bigquery_field['name']}: type {bigquery_field['type']} has no DuckDB mapping"
        ) from None


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@lru_cache(maxsize=256)
def to_duckdb(sql: str) -> tuple[str, frozenset[str]]:
    """BigQuery SQL transpiled to DuckDB, with the names of the parameters it uses."""
    import sqlglot
    from sqlglot import exp

    statements = sqlglot.parse(sql, read="bigquery")
    if len(statements) != 1 or statements[0] is None:
        raise ValueError("Expected exactly one SQL statement")
    tree = statements[0]
    names = frozenset(p.name for p in tree.find_all(exp.Parameter))
    return tree.sql(dialect="duckdb"), names


class DuckDBWarehouse:
    """The embedded warehouse: one DuckDB file. DuckDB lets one process write a file at a
    time, so each operation opens the file, does its work in one transaction and closes it."""

    kind = "duckdb"

    def __init__(
        self,
        path: Path,
        staging: Staging,
        memory_limit: str = "256MB",
        threads: int | None = None,
    ) -> None:
        self.path = path
        self.staging = staging
        self.memory_limit = memory_limit
        self.threads = threads

    @classmethod
    def from_settings(cls, settings: Settings) -> DuckDBWarehouse:
        return cls(
            settings.duckdb_file,
            LocalStaging(settings.data_dir / "analytics-staging"),
            memory_limit=settings.duckdb_memory_limit,
            threads=settings.duckdb_threads,
        )

    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator[Any]:
        import duckdb

        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        config: dict[str, Any] = {"memory_limit": self.memory_limit}
        if self.threads:
            config["threads"] = self.threads
        con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        try:
            con.execute("SET TimeZone = 'UTC'")  # after connecting: it loads the icu extension
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def ensure_tables(self, tables: Sequence[TableSpec]) -> None:
        with self._transaction() as con:
            for table in tables:
                existing = [
                    row[0]
                    for row in con.execute(
                        "SELECT column_name FROM duckdb_columns() "
                        "WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
                        [table.name],
                    ).fetchall()
                ]
                if existing:
                    if existing != table.columns:
                        raise RuntimeError(
                            f"{self.path}: table {table.name} has columns {existing}, its "
                            f"schema file says {table.columns}. The local warehouse is "
                            "rebuilt from PostgreSQL: delete the file and run again."
                        )
                    continue
                columns = ", ".join(
                    f"{_ident(f['name'])} {duckdb_type(f)}"
                    + (" NOT NULL" if f.get("mode", "").upper() == "REQUIRED" else "")
                    for f in table.fields
                )
                con.execute(f"CREATE TABLE {_ident(table.name)} ({columns})")
                if table.description:
                    con.execute(
                        f"COMMENT ON TABLE {_ident(table.name)} IS {_literal(table.description)}"
                    )
                for f in table.fields:
                    if f.get("description"):
                        con.execute(
                            f"COMMENT ON COLUMN {_ident(table.name)}.{_ident(f['name'])} "
                            f"IS {_literal(f['description'])}"
                        )

    def _read_json(self, table: TableSpec) -> str:
        columns = ", ".join(
            f"{_literal(f['name'])}: {_literal(duckdb_type(f))}" for f in table.fields
        )
        return f"read_json($files, format = 'newline_delimited', columns = {{{columns}}})"

    def _replace_partition(
        self, table: TableSpec, partition: date, select: str | None, params: Mapping[str, Any]
    ) -> None:
        """In one transaction, empty the partition and insert `select`'s rows (none when
        `select` is None); a row outside the partition fails it, as BigQuery's partition
        decorator does."""
        table.partition_id(partition)  # refuses an unpartitioned table
        if "_partition" in params:
            raise ValueError("_partition is reserved")
        name, column = _ident(table.name), _ident(table.partition_field or "")
        with self._transaction() as con:
            con.execute(
                f"DELETE FROM {name} WHERE {column} = $_partition", {"_partition": partition}
            )
            if select is not None:
                con.execute(
                    f"INSERT INTO {name} BY NAME SELECT * FROM ({select}) AS q "
                    f"WHERE CASE WHEN q.{column} = $_partition THEN true "
                    f"ELSE error('a row lies outside partition ' || $_partition::VARCHAR) END",
                    {**params, "_partition": partition},
                )

    def load_partition(self, table: TableSpec, partition: date, uris: Sequence[str]) -> None:
        select = f"SELECT * FROM {self._read_json(table)}" if uris else None
        self._replace_partition(table, partition, select, {"files": list(uris)})

    def replace_table(self, table: TableSpec, uris: Sequence[str]) -> None:
        with self._transaction() as con:
            con.execute(f"DELETE FROM {_ident(table.name)}")
            if uris:
                con.execute(
                    f"INSERT INTO {_ident(table.name)} BY NAME "
                    f"SELECT * FROM {self._read_json(table)}",
                    {"files": list(uris)},
                )

    def replace_partition_from_query(
        self, table: TableSpec, partition: date, sql: str, params: Mapping[str, Any]
    ) -> None:
        select, names = to_duckdb(sql)
        self._replace_partition(table, partition, select, _bind(names, params))

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        select, names = to_duckdb(sql)
        with self.connect() as con:
            cursor = con.execute(select, _bind(names, params or {}))
            columns = [d[0] for d in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _bind(names: frozenset[str], params: Mapping[str, Any]) -> dict[str, Any]:
    missing = names - params.keys()
    if missing:
        raise ValueError(f"No value for query parameters: {sorted(missing)}")
    return {name: params[name] for name in names}


# --- BigQuery -------------------------------------------------------------------------------


def query_parameters(params: Mapping[str, Any]) -> list[Any]:
    """Named BigQuery parameters, typed from their Python values."""
    import google.cloud.bigquery as bigquery

    out = []
    for name, value in params.items():
        if isinstance(value, bool):
            kind = "BOOL"
        elif isinstance(value, int):
            kind = "INT64"
        elif isinstance(value, float):
            kind = "FLOAT64"
        elif isinstance(value, datetime):
            kind = "TIMESTAMP"
        elif isinstance(value, date):
            kind = "DATE"
        elif isinstance(value, str):
            kind = "STRING"
        else:
            raise TypeError(f"Parameter {name}: unsupported type {type(value).__name__}")
        out.append(bigquery.ScalarQueryParameter(name, kind, value))
    return out


@dataclass
class BigQueryWarehouse:
    """BigQuery through google-cloud-bigquery: load jobs from GCS URIs, query jobs with
    named parameters. Tables are created by Terraform from the same schema files;
    `ensure_tables` creates any that are missing (a fresh project) and leaves the rest."""

    client: Any
    dataset: str
    staging: Staging
    location: str | None = None
    kind: str = field(default="bigquery", init=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> BigQueryWarehouse:
        import google.cloud.bigquery as bigquery
        import google.cloud.storage as storage

        project = settings.bigquery_project or settings.google_cloud_project
        if not settings.analytics_staging_bucket:
            raise RuntimeError("ANALYTICS_STAGING_BUCKET must be set to load BigQuery")
        client = bigquery.Client(project=project, location=settings.bigquery_location)
        staging = GcsStaging(storage.Client(project=project), settings.analytics_staging_bucket)
        return cls(client, settings.bigquery_dataset, staging, settings.bigquery_location)

    @property
    def dataset_id(self) -> str:
        return f"{self.client.project}.{self.dataset}"

    def _schema(self, table: TableSpec) -> list[Any]:
        import google.cloud.bigquery as bigquery

        return [bigquery.SchemaField.from_api_repr(dict(f)) for f in table.fields]

    def _partitioning(self, table: TableSpec) -> Any:
        import google.cloud.bigquery as bigquery

        if table.partition_field is None:
            return None
        return bigquery.TimePartitioning(
            type_=bigquery.TimePartitioningType.DAY, field=table.partition_field
        )

    def ensure_tables(self, tables: Sequence[TableSpec]) -> None:
        import google.cloud.bigquery as bigquery

        for spec in tables:
            table = bigquery.Table(f"{self.dataset_id}.{spec.name}", schema=self._schema(spec))
            table.description = spec.description or None
            if spec.partition_field is not None:
                table.time_partitioning = self._partitioning(spec)
                table.require_partition_filter = spec.require_partition_filter
            if spec.clustering:
                table.clustering_fields = list(spec.clustering)
            self.client.create_table(table, exists_ok=True)

    def _load(self, destination: str, table: TableSpec, uris: Sequence[str]) -> None:
        import google.cloud.bigquery as bigquery

        config = bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
            schema=self._schema(table),
            write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
            time_partitioning=self._partitioning(table),
            clustering_fields=list(table.clustering) or None,
            ignore_unknown_values=False,
            max_bad_records=0,
        )
        job = self.client.load_table_from_uri(
            list(uris),
            destination,
            job_config=config,
            job_id_prefix=f"quad_load_{table.name}_",
            location=self.location,
        )
        job.result()

    def load_partition(self, table: TableSpec, partition: date, uris: Sequence[str]) -> None:
        if uris:
            self._load(f"{self.dataset_id}.{table.partition_id(partition)}", table, uris)
            return
        # Nothing staged for the day: a load job needs a file, so empty the partition.
        self._run(
            f"DELETE FROM `{self.dataset_id}.{table.name}` WHERE {table.partition_field} = @p",
            {"p": partition},
        )

    def replace_table(self, table: TableSpec, uris: Sequence[str]) -> None:
        if uris:
            self._load(f"{self.dataset_id}.{table.name}", table, uris)
        else:
            self._run(f"TRUNCATE TABLE `{self.dataset_id}.{table.name}`", {})

    def replace_partition_from_query(
        self, table: TableSpec, partition: date, sql: str, params: Mapping[str, Any]
    ) -> None:
        import google.cloud.bigquery as bigquery

        config = bigquery.QueryJobConfig(
            destination=f"{self.dataset_id}.{table.partition_id(partition)}",
            write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
            time_partitioning=self._partitioning(table),
            clustering_fields=list(table.clustering) or None,
            default_dataset=self.dataset_id,
            query_parameters=query_parameters(params),
            use_legacy_sql=False,
        )
        self.client.query(
            sql, job_config=config, job_id_prefix=f"quad_mart_{table.name}_", location=self.location
        ).result()

    def _run(self, sql: str, params: Mapping[str, Any]) -> Any:
        import google.cloud.bigquery as bigquery

        config = bigquery.QueryJobConfig(
            default_dataset=self.dataset_id,
            query_parameters=query_parameters(params),
            use_legacy_sql=False,
        )
        return self.client.query(
            sql, job_config=config, job_id_prefix="quad_query_", location=self.location
        ).result()

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return [dict(row.items()) for row in self._run(sql, params or {})]
