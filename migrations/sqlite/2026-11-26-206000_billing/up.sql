-- Billing of a customer: payments, credits and debits (never edited; a reversal is a
-- counter-entry naming the entry it reverses, at most one each), imports of call detail
-- records, and the CDRs themselves (a re-imported row is skipped by the unique key).
-- Amounts are minor units of the customer's billing currency (its billing decimals).

CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    paid_at BIGINT NOT NULL,
    reference TEXT NOT NULL,
    note TEXT NOT NULL,
    reverses_id BIGINT REFERENCES payments(id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX payments_customer ON payments(customer_id, paid_at, id);
CREATE UNIQUE INDEX payments_reversal_once ON payments(reverses_id);

CREATE TABLE cdr_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT,
    actor TEXT NOT NULL,
    new_rows BIGINT NOT NULL,
    duplicate_rows BIGINT NOT NULL,
    bad_rows BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE cdrs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    account_code TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    duration_s BIGINT NOT NULL,
    calling TEXT NOT NULL,
    called TEXT NOT NULL,
    dest_prefix TEXT NOT NULL,
    cost_minor BIGINT NOT NULL,
    import_id BIGINT
);
CREATE UNIQUE INDEX cdrs_once ON cdrs(account_code, started_at, calling, called);
CREATE INDEX cdrs_customer_time ON cdrs(customer_id, started_at);
