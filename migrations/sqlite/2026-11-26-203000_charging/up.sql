-- The charging API: bearer tokens per service provider (only a SHA-256 of the token is kept),
-- and reservations of a balance on a wallet. Amounts are integers (minor units, seconds or
-- units); times are UTC seconds.

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);

-- state: open | committed | released | expired | revoked | deleted; how_ended names who
-- ended it (the API, the worker, an operator).
CREATE TABLE reservations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL,
    wallet_id BIGINT NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
    balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    amount BIGINT NOT NULL,
    used BIGINT,
    state TEXT NOT NULL,
    charge_on_delete BOOLEAN NOT NULL DEFAULT 0,
    called_number TEXT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    ended_at BIGINT,
    how_ended TEXT,
    edr_id BIGINT
);
CREATE INDEX reservations_wallet_state ON reservations(wallet_id, state);
CREATE INDEX reservations_state_expiry ON reservations(state, expires_at);
