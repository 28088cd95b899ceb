#!/bin/sh
# Runs once, when the postgres container creates its data folder: one database and one role for
# Unleash, one for Switchyard's store (which migrates its own schema at start), on one server.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres \
  -v unleash_password="$UNLEASH_DB_PASSWORD" \
  -v switchyard_password="$SWITCHYARD_DB_PASSWORD" <<'SQL'
CREATE ROLE unleash LOGIN PASSWORD :'unleash_password';
CREATE DATABASE unleash OWNER unleash;
CREATE ROLE switchyard LOGIN PASSWORD :'switchyard_password';
CREATE DATABASE switchyard OWNER switchyard;
SQL
