"""docs/data-contracts.md against the real schemas, so the contract cannot drift from the code:
every lake table of the demo lake (bronze, silver, gold over the demo data, read by delta-rs)
and every relation of the public schema of a database the export jar migrated and filled must
be documented with exactly its columns (names, order, types, nullability), partitioning and
primary key. Plus: every relative link in README.md and docs/*.md points to a file (and heading)."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import psycopg2
import pytest

from conftest import DEMO_RUN_ID, ROOT, build_once, drop_at_session_end, pg_settings, run_stage

DOCS = ROOT / "docs"
CONTRACTS = DOCS / "data-contracts.md"
LAKE_HEADING = re.compile(r"^(bronze|silver|gold|ops)/\w+$")
PG_PREFIX = "postgres: "

# The doc writes Spark SQL type names (what a user types in Spark SQL); delta-rs reports Delta
# protocol names. PostgreSQL: information_schema's long names -> the names of sql/V*.sql.
DELTA_TYPES = {"long": "bigint", "integer": "int"}
PG_TYPES = {
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "character varying": "varchar",
}


def _cells(line: str) -> list[str]:
    return [c.strip().strip("`").strip() for c in line.strip().strip("|").split("|")]


def doc_sections(text: str) -> dict[str, dict]:
    """``### <name>`` sections of data-contracts.md: the rows (column, type, nullable) of the
    first table whose header starts with ``column | type | null``, and the ``Partitioning:`` and
    ``Primary key:`` lines (backticked, comma-separated; ``none`` for none)."""
    sections: dict[str, dict] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("### "):
            name = line[4:].strip().strip("`")
            assert name not in sections, f"data-contracts.md documents {name} twice"
            current = sections[name] = {"columns": None, "partitioning": None, "key": None}
            continue
        if current is None or line.startswith("## "):
            current = None if line.startswith("## ") else current
            continue
        if line.startswith("|"):
            cells = _cells(line)
            if cells[:3] == ["column", "type", "null"] and current["columns"] is None:
                current["columns"] = []
                current["_reading"] = True
            elif current.get("_reading") and not set("".join(cells)) <= set("-: "):
                assert cells[2] in ("yes", "no"), f"null must be yes or no: {line}"
                current["columns"].append((cells[0], cells[1], cells[2] == "yes"))
            continue
        current["_reading"] = False
        for field, label in (("partitioning", "Partitioning:"), ("key", "Primary key:")):
            if line.startswith(label):
                value = line[len(label) :].strip().rstrip(".")
                current[field] = (
                    [] if value == "none" else [c.strip().strip("`") for c in value.split(",")]
                )
    for s in sections.values():
        s.pop("_reading", None)
    return sections


SECTIONS = doc_sections(CONTRACTS.read_text()) if CONTRACTS.exists() else {}
LAKE_DOCS = {n: s for n, s in SECTIONS.items() if LAKE_HEADING.match(n)}
PG_DOCS = {n[len(PG_PREFIX) :]: s for n, s in SECTIONS.items() if n.startswith(PG_PREFIX)}


def test_the_contract_documents_lake_and_postgres_tables():
    assert CONTRACTS.exists(), "docs/data-contracts.md is missing"
    assert LAKE_DOCS and PG_DOCS
    undocumented = [n for n, s in {**LAKE_DOCS, **PG_DOCS}.items() if not s["columns"]]
    assert not undocumented, f"sections without a 'column | type | null' table: {undocumented}"


# ---------------------------------------------------------------------------------------------
# lake


def _differences(doc: list[tuple], actual: list[tuple]) -> str:
    """What to fix, e.g. "only in the doc: [('x', 'int', True)]; only in the table: [...]"."""
    only_doc = [c for c in doc if c not in actual]
    only_actual = [c for c in actual if c not in doc]
    if not only_doc and not only_actual:
        return f"same columns, other order: doc {[c[0] for c in doc]}"
    return f"only in the doc: {only_doc}; only in the table: {only_actual}"


def _lake_tables(lake: Path) -> list[str]:
    return sorted(str(p.parent.relative_to(lake)) for p in lake.glob("*/*/_delta_log"))


def test_every_lake_table_is_documented(demo_lake):
    assert _lake_tables(demo_lake["lake"]) == sorted(LAKE_DOCS)


@pytest.mark.parametrize("table", sorted(LAKE_DOCS))
def test_lake_table_matches_its_contract(demo_lake, table):
    from deltalake import DeltaTable

    path = demo_lake["lake"] / table
    assert (path / "_delta_log").is_dir(), f"{table} is documented but not in the demo lake"
    dt = DeltaTable(str(path))
    actual = [
        (f.name, DELTA_TYPES.get(f.type.type, f.type.type), f.nullable) for f in dt.schema().fields
    ]
    doc = LAKE_DOCS[table]
    assert doc["columns"] == actual, (
        f"{table}: docs/data-contracts.md differs: {_differences(doc['columns'], actual)}"
    )
    assert doc["partitioning"] == dt.metadata().partition_columns, (
        f"{table}: 'Partitioning:' line differs from the table's partition columns"
    )


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def _connect(env: dict, db: str):
    return psycopg2.connect(
        host=env["ALTAVIZ_PG_HOST"],
        port=int(env["ALTAVIZ_PG_PORT"]),
        user=env["ALTAVIZ_PG_USER"],
        dbname=db,
        password=env.get("ALTAVIZ_PG_PASSWORD"),
        connect_timeout=10,
    )


@pytest.fixture(scope="session")
def pg_schema(request, demo_raw, demo_lake) -> dict:
    """Columns and primary keys of the public schema after the export jar migrated a scratch
    database and exported the demo lake into it; computed once per session."""

    def build(out: Path) -> dict:
        server = pg_settings()
        db = "altaviz_test_" + uuid.uuid4().hex[:12]
        admin = _connect(server, "postgres")
        admin.autocommit = True
        with admin.cursor() as c:
            c.execute(f"CREATE DATABASE {db}")
        admin.close()
        drop_at_session_end(request.config, db)
        lake = out / "lake"
        shutil.copytree(demo_lake["lake"], lake)  # the export appends its row to the ledger
        run_stage(
            "export",
            "--raw",
            demo_raw,
            "--lake",
            lake,
            "--run-id",
            DEMO_RUN_ID,
            env={**server, "ALTAVIZ_PG_DB": db},
        )
        conn = _connect(server, db)
        try:
            with conn.cursor() as c:
                c.execute(
                    "SELECT table_name, column_name, data_type, is_nullable"
                    " FROM information_schema.columns WHERE table_schema = 'public'"
                    " ORDER BY table_name, ordinal_position"
                )
                columns: dict[str, list] = {}
                for table, column, type_, nullable in c.fetchall():
                    columns.setdefault(table, []).append(
                        [column, PG_TYPES.get(type_, type_), nullable == "YES"]
                    )
                c.execute(
                    "SELECT tc.table_name,"
                    " string_agg(k.column_name, ',' ORDER BY k.ordinal_position)"
                    " FROM information_schema.table_constraints tc"
                    " JOIN information_schema.key_column_usage k"
                    " USING (constraint_schema, constraint_name, table_name)"
                    " WHERE tc.table_schema = 'public'"
                    " AND tc.constraint_type = 'PRIMARY KEY' GROUP BY tc.table_name"
                )
                keys = {t: k.split(",") for t, k in c.fetchall()}
        finally:
            conn.close()
        return {"columns": columns, "keys": keys}

    return build_once(request.config, "docs-pg-schema", build)


def test_every_postgres_relation_is_documented(pg_schema):
    assert sorted(pg_schema["columns"]) == sorted(PG_DOCS)


@pytest.mark.parametrize("table", sorted(PG_DOCS))
def test_postgres_relation_matches_its_contract(pg_schema, table):
    assert table in pg_schema["columns"], f"{table} is documented but not in the database"
    actual = [tuple(c) for c in pg_schema["columns"][table]]
    doc = PG_DOCS[table]
    assert doc["columns"] == actual, (
        f"{table}: docs/data-contracts.md differs: {_differences(doc['columns'], actual)}"
    )
    # views have no key; a documented table must state its primary key
    assert (doc["key"] or None) == pg_schema["keys"].get(table), (
        f"{table}: 'Primary key:' line differs from the database"
    )


# ---------------------------------------------------------------------------------------------
# links

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation but '-' and '_' removed, spaces -> '-'."""
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return {
        re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", text, flags=re.M)
    }


@pytest.mark.parametrize(
    "page", ["README.md", *sorted(str(p.relative_to(ROOT)) for p in DOCS.glob("*.md"))]
)
def test_relative_links_point_to_files_and_headings(page):
    source = ROOT / page
    text = re.sub(r"```.*?```", "", source.read_text(), flags=re.S)  # no links in code blocks
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # an absolute URL
        file, _, anchor = target.partition("#")
        path = source.parent / file if file else source
        if not path.exists() or (anchor and path.suffix == ".md" and anchor not in _anchors(path)):
            broken.append(target)
    assert not broken, f"{page}: links to missing files or headings: {broken}"
