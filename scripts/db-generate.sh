#!/usr/bin/env bash
# Generates SQL migrations from src/store/schema.ts, then strips drizzle-kit's hard-coded
# "public". from foreign keys so the same migrations run in any schema (DB_SCHEMA, and the
# per-test schemas the integration tests use).
set -euo pipefail
cd "$(dirname "$0")/.."
npx drizzle-kit generate "$@"
sed -i 's/REFERENCES "public"\./REFERENCES /g' src/store/migrations/*.sql
