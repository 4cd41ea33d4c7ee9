-- wal4j JdbcSyncTarget schema for MySQL (5.7 or later) and MariaDB (10.2 or later).
-- Table names are the defaults; JdbcSyncTarget substitutes configured names for them.
-- Each statement ends with a semicolon at the end of a line.

-- One row per entry a target has applied: a key already present means the entry's
-- effect is in the database and a redelivery is skipped. call_outcome is what a
-- DurableRepository call with a request id (@IdempotencyKey) returned, as JSON, for its
-- retries; NULL for other entries. A table from before it: ALTER TABLE wal4j_applied_keys
-- ADD COLUMN call_outcome LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin (the target adds it when it creates the schema). The index on (target_name,
-- applied_at) serves the purge of keys older than the target's appliedKeysRetention.
-- The idempotency key is VARBINARY (its UTF-8 bytes, up to 512 characters) so that it compares
-- byte for byte: the default collations ignore case and trailing spaces, which would make two
-- different keys collide and skip an entry that was never applied.
CREATE TABLE IF NOT EXISTS wal4j_applied_keys (
    target_name     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    idempotency_key VARBINARY(2048) NOT NULL,
    entry_seq       BIGINT NOT NULL,
    entry_id        VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    applied_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    call_outcome    LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    PRIMARY KEY (target_name, idempotency_key),
    INDEX wal4j_applied_keys_by_time (target_name, applied_at)
) ENGINE=InnoDB;

-- One row per DurableRepository call with a request id (@IdempotencyKey) that its DAO
-- rejected (a business verdict: the entry ended REJECTED, and no applied key was recorded):
-- call_outcome is the verdict's exception type and message with a hash of the call's
-- arguments, as JSON, so that a retry of the request id throws the same exception. Written in
-- the transaction that commits the rejection; purged with the applied keys, after the target's
-- appliedKeysRetention. Its name is the applied-keys table's with "_rejected" appended.
CREATE TABLE IF NOT EXISTS wal4j_applied_keys_rejected (
    target_name     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    idempotency_key VARBINARY(2048) NOT NULL,
    entry_seq       BIGINT NOT NULL,
    entry_id        VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    rejected_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    call_outcome    LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (target_name, idempotency_key),
    INDEX wal4j_applied_keys_rejected_by_time (target_name, rejected_at)
) ENGINE=InnoDB;

-- One row per target: the highest seq it has applied; only ever moves forward.
CREATE TABLE IF NOT EXISTS wal4j_checkpoints (
    target_name    VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    checkpoint_seq BIGINT NOT NULL,
    updated_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB;

-- One row per apply partition of a target whose log several instances share: which instance
-- applies it now. Each claim raises epoch by one; every apply transaction of a claiming instance
-- locks its partition's row first (SELECT ... FOR UPDATE) and refuses the batch if the epoch is
-- no longer the one its claim read. Unused (never read or written) by a single instance.
CREATE TABLE IF NOT EXISTS wal4j_partition_owners (
    target_name  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    partition_no INT NOT NULL,
    epoch        BIGINT NOT NULL,
    owner        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    claimed_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (target_name, partition_no)
) ENGINE=InnoDB;
