-- The EDR viewer, reverse charge and vouchers. Only additions: a reversal EDR names the EDR it
-- reverses (unique, so an EDR is reversed at most once even when two reversals race); partial
-- EDRs (interim records of a charge in progress) are hidden by default; an operator may be
-- allowed to see called numbers unmasked; voucher batches and their vouchers (numbers kept only
-- as a keyed hash, serials in clear).

ALTER TABLE edrs ADD COLUMN reverses_edr_id BIGINT;
ALTER TABLE edrs ADD COLUMN partial BOOLEAN NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX edrs_reverses ON edrs(reverses_edr_id);

ALTER TABLE operators ADD COLUMN edr_no_masking BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE voucher_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    value BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    count INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE vouchers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    batch_id BIGINT NOT NULL REFERENCES voucher_batches(id),
    number_hash TEXT NOT NULL UNIQUE,
    serial_number TEXT NOT NULL UNIQUE,
    used_at BIGINT,
    used_wallet_id BIGINT,
    used_edr_id BIGINT
);
CREATE INDEX vouchers_batch ON vouchers(batch_id, used_at);
