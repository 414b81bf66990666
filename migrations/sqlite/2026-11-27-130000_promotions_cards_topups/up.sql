-- Issue 12 part B: tracker promotions and the awards they made (one row per wallet and
-- promotion, so a reward is credited once), credit cards (a keyed hash of the number and its
-- last four digits, never the number), periodic top-up rules and their runs (one row per rule,
-- wallet and period, so a period is credited once), and the Friends & Destination frame's own
-- change count and date. Amounts are integers (minor units, seconds or units); times UTC seconds.

CREATE TABLE promotions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    name TEXT NOT NULL,
    tracker_balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    threshold BIGINT NOT NULL,
    reward_balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    reward BIGINT NOT NULL,
    validity_days INTEGER,
    ends_at BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE promotion_awards (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    promotion_id BIGINT NOT NULL REFERENCES promotions(id) ON DELETE CASCADE,
    wallet_id BIGINT NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
    credited BIGINT NOT NULL,
    edr_id BIGINT,
    awarded_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX promotion_awards_once ON promotion_awards(wallet_id, promotion_id);

-- state: registered | confirmed | frozen | deregistered. token: HMAC-SHA-256 of the number
-- under a per-database pepper.
CREATE TABLE credit_cards (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    last_four TEXT NOT NULL,
    expiry_month INTEGER NOT NULL,
    expiry_year INTEGER NOT NULL,
    holder TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX credit_cards_subscriber ON credit_cards(subscriber_id);

-- period: daily | weekly | monthly; exactly one of product_type_id and subscriber_id is set.
CREATE TABLE topup_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    name TEXT NOT NULL,
    balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    amount BIGINT NOT NULL,
    period TEXT NOT NULL,
    product_type_id BIGINT REFERENCES product_types(id),
    subscriber_id BIGINT REFERENCES subscribers(id) ON DELETE CASCADE,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE topup_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    rule_id BIGINT NOT NULL REFERENCES topup_rules(id) ON DELETE CASCADE,
    wallet_id BIGINT NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
    period_start BIGINT NOT NULL,
    credited BIGINT NOT NULL,
    edr_id BIGINT,
    ran_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX topup_runs_once ON topup_runs(rule_id, wallet_id, period_start);

ALTER TABLE subscribers ADD COLUMN fd_change_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscribers ADD COLUMN fd_changed_at BIGINT;
