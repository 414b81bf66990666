-- Sign-in failure counters, shared by every instance (keyed "u:<name>", "ip:<address>", ...).
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    window_start BIGINT NOT NULL,
    locked_until BIGINT
);
