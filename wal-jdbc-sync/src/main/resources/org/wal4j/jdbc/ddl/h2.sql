-- wal4j JdbcSyncTarget schema for H2 (2.x).
-- Table names are the defaults; JdbcSyncTarget substitutes configured names for them.
-- Each statement ends with a semicolon at the end of a line.

-- One row per entry a target has applied: a key already present means the entry's
-- effect is in the database and a redelivery is skipped. call_outcome is what a
-- DurableRepository call with a request id (@IdempotencyKey) returned, as JSON, for its
-- retries; NULL for other entries. A table from before it: ALTER TABLE wal4j_applied_keys
-- ADD COLUMN call_outcome CHARACTER LARGE OBJECT (the target adds it when it creates the schema).
CREATE TABLE IF NOT EXISTS wal4j_applied_keys (
    target_name     VARCHAR(64)  NOT NULL,
    idempotency_key VARCHAR(512) NOT NULL,
    entry_seq       BIGINT       NOT NULL,
    entry_id        VARCHAR(512) NOT NULL,
    applied_at      TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    call_outcome    CHARACTER LARGE OBJECT,
    PRIMARY KEY (target_name, idempotency_key)
);

-- Serves the purge of keys older than the target's appliedKeysRetention, oldest first.
CREATE INDEX IF NOT EXISTS wal4j_applied_keys_by_time ON wal4j_applied_keys (target_name, applied_at);

-- One row per target: the highest seq it has applied; only ever moves forward.
CREATE TABLE IF NOT EXISTS wal4j_checkpoints (
    target_name    VARCHAR(64) NOT NULL PRIMARY KEY,
    checkpoint_seq BIGINT      NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);
