-- Exchange rates (admin reference data): one unit of the source currency buys
-- rate_mantissa / 10^rate_scale units of the target currency; an exact decimal, never a float.
CREATE TABLE exchange_rates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    from_currency_id BIGINT NOT NULL REFERENCES currencies(id),
    to_currency_id BIGINT NOT NULL REFERENCES currencies(id),
    rate_mantissa BIGINT NOT NULL,
    rate_scale INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (from_currency_id, to_currency_id)
);
