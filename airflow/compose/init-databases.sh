#!/usr/bin/env bash
# First start of the compose PostgreSQL (docker-entrypoint-initdb.d): the compressor_health
# database for the export, owned by the LOGIN role `altaviz`, a member of the NOLOGIN roles the
# export's migration expects a DBA to provide (sql/V1__baseline.sql: altaviz_writer owns the
# tables, dashboards use altaviz_reader). Airflow's own database is POSTGRES_DB.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v pw="$ALTAVIZ_PG_PASSWORD" <<'SQL'
CREATE ROLE altaviz_writer NOLOGIN;
CREATE ROLE altaviz_reader NOLOGIN;
CREATE ROLE altaviz LOGIN PASSWORD :'pw' IN ROLE altaviz_writer;
CREATE DATABASE compressor_health OWNER altaviz;
SQL
