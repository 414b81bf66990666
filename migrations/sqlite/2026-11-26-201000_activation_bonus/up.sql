-- The activation bonus of a product type: what a wallet of that product type is credited when it
-- goes from pre-use to active (one amount per balance type, in its unit's integers).
CREATE TABLE activation_bonuses (
    product_type_id BIGINT NOT NULL REFERENCES product_types(id),
    balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    amount BIGINT NOT NULL,
    PRIMARY KEY (product_type_id, balance_type_id)
);
