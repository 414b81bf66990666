-- Packages operators maintain and each customer's quantities of them; the customer's DID ranges,
-- CPN substitutions and emergency response locations. Everything of a customer goes with it.

CREATE TABLE packages (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE customer_packages (
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    package_id BIGINT NOT NULL REFERENCES packages(id),
    quantity BIGINT NOT NULL,
    PRIMARY KEY (customer_id, package_id)
);
CREATE INDEX customer_packages_package ON customer_packages(package_id);

-- A range is kept as numbers plus its length in digits, so that ranges compare as numbers
-- on both engines and leading zeros survive.
CREATE TABLE did_ranges (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    digits INTEGER NOT NULL,
    range_start BIGINT NOT NULL,
    range_end BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX did_ranges_span ON did_ranges(digits, range_start, range_end);
CREATE INDEX did_ranges_customer ON did_ranges(customer_id, id);

CREATE TABLE cpn_substitutions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    number TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX cpn_substitutions_customer ON cpn_substitutions(customer_id, id);

CREATE TABLE emergency_locations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    number TEXT NOT NULL,
    location TEXT NOT NULL,
    zone TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX emergency_locations_customer ON emergency_locations(customer_id, id);
