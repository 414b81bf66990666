-- Subscribers and their wallets, the reference data they use, and the lists of a subscriber's
-- profile. Search columns compare byte-wise (SQLite's BINARY collation; COLLATE "C" on
-- PostgreSQL), so a prefix search is the index range `col >= 'p' AND col < 'q'` on both engines.
-- Coordinates are scaled integers (1e-7 degrees, radius in 1e-7 km); money in minor units.

CREATE TABLE languages (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE currencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    decimals INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE product_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE charging_domains (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE closed_user_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    card_number TEXT NOT NULL,
    cli TEXT NOT NULL,
    description TEXT NOT NULL,
    pin_hash TEXT,
    language_id BIGINT NOT NULL REFERENCES languages(id),
    cli_restricted BOOLEAN NOT NULL DEFAULT 0,
    disable_incoming_roaming BOOLEAN NOT NULL DEFAULT 0,
    blacklisted BOOLEAN NOT NULL DEFAULT 0,
    disable_sms BOOLEAN NOT NULL DEFAULT 0,
    remote_access BOOLEAN NOT NULL DEFAULT 0,
    barring_list_type TEXT NOT NULL DEFAULT 'barred',
    barring_ignore BOOLEAN NOT NULL DEFAULT 0,
    ff_service TEXT NOT NULL DEFAULT 'none',
    ff_discount_prefix TEXT NOT NULL DEFAULT '',
    ff_change_count INTEGER NOT NULL DEFAULT 0,
    ff_changed_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX subscribers_card ON subscribers(service_provider_id, card_number);
CREATE UNIQUE INDEX subscribers_cli ON subscribers(service_provider_id, cli);
CREATE INDEX subscribers_language ON subscribers(language_id);

CREATE TABLE wallets (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    wallet_ref TEXT NOT NULL,
    charging_domain_id BIGINT NOT NULL REFERENCES charging_domains(id),
    product_type_id BIGINT NOT NULL REFERENCES product_types(id),
    currency_id BIGINT NOT NULL REFERENCES currencies(id),
    display_currency_id BIGINT NOT NULL REFERENCES currencies(id),
    customer_id BIGINT REFERENCES customers(id) ON DELETE SET NULL,
    limit_type TEXT NOT NULL,
    min_credit_minor BIGINT,
    max_concurrent INTEGER NOT NULL,
    state TEXT NOT NULL,
    expires_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wallets_ref ON wallets(service_provider_id, wallet_ref);
CREATE INDEX wallets_customer ON wallets(customer_id, id);
CREATE INDEX wallets_product_type ON wallets(product_type_id);
CREATE INDEX wallets_currency ON wallets(currency_id);
CREATE INDEX wallets_display_currency ON wallets(display_currency_id);
CREATE INDEX wallets_charging_domain ON wallets(charging_domain_id);

-- Which wallets a subscriber holds: at most one primary and one secondary; a wallet held by
-- several subscribers is shared.
CREATE TABLE subscriber_wallets (
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    wallet_type TEXT NOT NULL,
    wallet_id BIGINT NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (subscriber_id, wallet_type)
);
CREATE UNIQUE INDEX subscriber_wallets_wallet ON subscriber_wallets(wallet_id, subscriber_id);

-- Product type changes that were to be billed (the charge itself comes with balances).
CREATE TABLE wallet_product_swaps (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    wallet_id BIGINT NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
    from_product_type_id BIGINT NOT NULL,
    to_product_type_id BIGINT NOT NULL,
    billed BOOLEAN NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX wallet_product_swaps_wallet ON wallet_product_swaps(wallet_id, id);

-- Call barring ('barring') and friends-and-family ('ff') numbers.
CREATE TABLE subscriber_numbers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    list TEXT NOT NULL,
    number TEXT NOT NULL
);
CREATE UNIQUE INDEX subscriber_numbers_unique ON subscriber_numbers(subscriber_id, list, number);

CREATE TABLE subscriber_short_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    number TEXT NOT NULL
);
CREATE UNIQUE INDEX subscriber_short_codes_unique ON subscriber_short_codes(subscriber_id, code);

CREATE TABLE subscriber_cugs (
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    cug_id BIGINT NOT NULL REFERENCES closed_user_groups(id),
    PRIMARY KEY (subscriber_id, cug_id)
);
CREATE INDEX subscriber_cugs_cug ON subscriber_cugs(cug_id);

CREATE TABLE subscriber_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES operators(id) ON DELETE SET NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX subscriber_comments_subscriber ON subscriber_comments(subscriber_id, id);

CREATE TABLE subscriber_zones (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX subscriber_zones_name ON subscriber_zones(subscriber_id, name);

-- A circle uses lon/lat (centre) and radius; a rectangle lon/lat (west/north) and
-- lon2/lat2 (east/south).
CREATE TABLE zone_shapes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    zone_id BIGINT NOT NULL REFERENCES subscriber_zones(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    lon_e7 BIGINT NOT NULL,
    lat_e7 BIGINT NOT NULL,
    lon2_e7 BIGINT,
    lat2_e7 BIGINT,
    radius_e7_km BIGINT
);
CREATE INDEX zone_shapes_zone ON zone_shapes(zone_id, id);

CREATE TABLE voucher_recharge_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    voucher TEXT NOT NULL
);
CREATE INDEX voucher_recharge_attempts_subscriber ON voucher_recharge_attempts(subscriber_id, id);

-- Customer search on the subscribers page: case-insensitive company prefix.
CREATE INDEX customers_company_prefix ON customers(service_provider_id, lower(company), id);

INSERT INTO languages (name, created_at) VALUES
    ('English', 1795305600), ('Norwegian', 1795305600), ('Swedish', 1795305600),
    ('Danish', 1795305600), ('Finnish', 1795305600), ('German', 1795305600),
    ('French', 1795305600), ('Spanish', 1795305600);
INSERT INTO currencies (code, name, decimals, created_at) VALUES
    ('EUR', 'Euro', 2, 1795305600), ('NOK', 'Norwegian krone', 2, 1795305600),
    ('SEK', 'Swedish krona', 2, 1795305600), ('DKK', 'Danish krone', 2, 1795305600),
    ('USD', 'US dollar', 2, 1795305600), ('GBP', 'Pound sterling', 2, 1795305600),
    ('JPY', 'Japanese yen', 0, 1795305600);
INSERT INTO product_types (name, created_at) VALUES
    ('Prepaid Standard', 1795305600), ('Prepaid Youth', 1795305600),
    ('Postpaid Business', 1795305600), ('Data Only', 1795305600);
INSERT INTO charging_domains (name, created_at) VALUES
    ('VWS Domain 1', 1795305600), ('VWS Domain 2', 1795305600);
INSERT INTO closed_user_groups (name, created_at) VALUES
    ('Head office', 1795305600), ('Field staff', 1795305600), ('Family plan', 1795305600);
INSERT INTO app_settings (name, value) VALUES ('audit_financial_changes', '0');
