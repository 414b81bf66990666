-- Wallet money: balance types per provider, a wallet's balances made of buckets, the EDRs that
-- record every balance change (immutable), and adjustment limits. Amounts are integers (minor
-- units, seconds or units); dates are UTC seconds.

CREATE TABLE balance_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    category TEXT NOT NULL,
    max_value BIGINT,
    max_policy TEXT NOT NULL,
    allow_credit BOOLEAN NOT NULL DEFAULT 0,
    is_default BOOLEAN NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (service_provider_id, code)
);

CREATE TABLE wallet_balances (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    wallet_id BIGINT NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
    balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    created_at BIGINT NOT NULL,
    UNIQUE (wallet_id, balance_type_id)
);

CREATE TABLE balance_buckets (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    balance_id BIGINT NOT NULL REFERENCES wallet_balances(id) ON DELETE CASCADE,
    value BIGINT NOT NULL,
    expires_at BIGINT,
    starts_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX balance_buckets_balance ON balance_buckets(balance_id);

-- Wallet and subscriber are kept as plain numbers: an EDR outlives what it describes.
CREATE TABLE edrs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    edr_type TEXT NOT NULL,
    service_provider_id BIGINT NOT NULL,
    wallet_id BIGINT NOT NULL,
    subscriber_id BIGINT,
    operator_name TEXT,
    change_reason TEXT,
    called_number TEXT,
    duration_s BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX edrs_wallet ON edrs(wallet_id, created_at);
CREATE INDEX edrs_subscriber ON edrs(subscriber_id, created_at);

-- Per balance type: counted totals before and after, and the cost (the fall of the sum of the
-- balance's bucket values; negative for a credit).
CREATE TABLE edr_balances (
    edr_id BIGINT NOT NULL REFERENCES edrs(id),
    balance_type_id BIGINT NOT NULL,
    before_total BIGINT NOT NULL,
    after_total BIGINT NOT NULL,
    cost BIGINT NOT NULL,
    PRIMARY KEY (edr_id, balance_type_id)
);

CREATE TABLE product_type_limits (
    product_type_id BIGINT NOT NULL REFERENCES product_types(id),
    balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    min_value BIGINT NOT NULL,
    max_value BIGINT NOT NULL,
    PRIMARY KEY (product_type_id, balance_type_id)
);

CREATE TABLE operator_limits (
    operator_id BIGINT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    min_value BIGINT NOT NULL,
    max_value BIGINT NOT NULL,
    PRIMARY KEY (operator_id, balance_type_id)
);
