-- Background exports: one row per job, claimed by exactly one instance.
CREATE TABLE export_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    operator_id BIGINT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    format TEXT NOT NULL,
    spec TEXT NOT NULL,
    status TEXT NOT NULL,
    rows_done BIGINT NOT NULL DEFAULT 0,
    rows_total BIGINT NOT NULL DEFAULT 0,
    file_name TEXT NOT NULL,
    file_path TEXT,
    size_bytes BIGINT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    heartbeat_at BIGINT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT,
    expires_at BIGINT NOT NULL
);
CREATE INDEX export_jobs_owner ON export_jobs(operator_id, id);
CREATE INDEX export_jobs_status ON export_jobs(status, id);
