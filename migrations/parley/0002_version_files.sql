-- The migration files each projection version's schema was made from, so that parley.migrations
-- can always describe the live schema: a rebuild builds version n+1 from its product's files as
-- they are then, and the swap that makes a version live records its files there (a rollback too).
SET search_path TO parley, public;

CREATE TABLE projection_version_files (
    projection TEXT NOT NULL,
    version INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    -- How long applying the file to the version's schema took.
    duration_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (projection, version, file_name),
    CONSTRAINT projection_version_files_version_fkey FOREIGN KEY (projection, version)
        REFERENCES projection_versions (projection, version) ON DELETE CASCADE,
    CONSTRAINT projection_version_files_file_name_check CHECK (file_name ~ '^[0-9]{4}_[A-Za-z0-9_]+\.sql$'),
    CONSTRAINT projection_version_files_checksum_check CHECK (checksum ~ '^[0-9a-f]{64}$'),
    CONSTRAINT projection_version_files_duration_ms_check CHECK (duration_ms >= 0)
);
