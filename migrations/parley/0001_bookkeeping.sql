-- Parley's own bookkeeping: which migration files were applied, and where each projection stands.
-- Applied first by `parley migrate`; it depends on nothing else.
CREATE SCHEMA IF NOT EXISTS parley;
SET search_path TO parley, public;

-- One row per applied file of migrations/<schema_name>/<file_name>.
-- checksum is the SHA-256 of the file's bytes; a changed applied file makes `parley migrate` refuse.
CREATE TABLE migrations (
    schema_name TEXT NOT NULL,
    file_name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    duration_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (schema_name, file_name),
    CONSTRAINT migrations_schema_name_check CHECK (schema_name ~ '^[a-z][a-z0-9_]*$'),
    CONSTRAINT migrations_file_name_check CHECK (file_name ~ '^[0-9]{4}_[A-Za-z0-9_]+\.sql$'),
    CONSTRAINT migrations_checksum_check CHECK (checksum ~ '^[0-9a-f]{64}$'),
    CONSTRAINT migrations_duration_ms_check CHECK (duration_ms >= 0)
);

-- Every version of every projection, and the schema that holds its tables. A rebuild creates
-- version n+1 as 'building' in a shadow schema; the swap marks it 'active' and the old one 'retired'.
CREATE TABLE projection_versions (
    projection TEXT NOT NULL,
    version INTEGER NOT NULL,
    schema_name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'building',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    activated_at TIMESTAMPTZ,
    retired_at TIMESTAMPTZ,
    PRIMARY KEY (projection, version),
    CONSTRAINT projection_versions_version_check CHECK (version >= 1),
    CONSTRAINT projection_versions_status_check CHECK (status IN ('building', 'active', 'retired'))
);

-- At most one version of a projection serves reads.
CREATE UNIQUE INDEX uniq_projection_versions_active
    ON projection_versions (projection) WHERE status = 'active';

-- The NEXT log position a projection version reads: 0 before it has applied anything (positions
-- start at 0), p + 1 after it applied the event at position p. Moved in the same transaction as
-- the read-model writes of the batch.
CREATE TABLE projection_checkpoints (
    projection TEXT NOT NULL,
    version INTEGER NOT NULL,
    next_position BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, version),
    CONSTRAINT projection_checkpoints_version_fkey FOREIGN KEY (projection, version)
        REFERENCES projection_versions (projection, version) ON DELETE CASCADE,
    CONSTRAINT projection_checkpoints_next_position_check CHECK (next_position >= 0)
);
