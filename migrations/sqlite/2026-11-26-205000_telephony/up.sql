-- A customer's telephony configuration: IP devices, SIP devices (their secret sealed with the
-- instance's key), dialing routes over the admins' route list, and the four ordered number
-- translation lists. Everything of a customer goes with it.

CREATE TABLE dialing_route_list (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
INSERT INTO dialing_route_list (name, created_at) VALUES ('Default carrier', 0), ('Least cost', 0);

-- An address belongs to one customer only: the unique index decides, also under races.
CREATE TABLE ip_devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    ip_address TEXT NOT NULL,
    description TEXT NOT NULL,
    dial_prefix TEXT NOT NULL,
    max_call_sessions BIGINT NOT NULL,
    calls_per_second BIGINT NOT NULL,
    active BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ip_devices_address ON ip_devices(ip_address);
CREATE INDEX ip_devices_customer ON ip_devices(customer_id, id);

-- `login_key` is the login lower-cased: unique across the whole system.
CREATE TABLE sip_devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    login TEXT NOT NULL,
    login_key TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    extension TEXT NOT NULL,
    voicemail BOOLEAN NOT NULL,
    voicemail_email TEXT NOT NULL,
    ip_address TEXT NOT NULL,
    max_call_sessions BIGINT NOT NULL,
    calls_per_second BIGINT NOT NULL,
    active BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sip_devices_login ON sip_devices(login_key);
CREATE INDEX sip_devices_customer ON sip_devices(customer_id, id);

CREATE TABLE dialing_routes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    route_id BIGINT NOT NULL REFERENCES dialing_route_list(id),
    pattern TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX dialing_routes_pattern ON dialing_routes(customer_id, pattern);
CREATE INDEX dialing_routes_route ON dialing_routes(route_id);

-- `list` is source | destination | did_source | did_destination; rules apply in `position` order.
CREATE TABLE translation_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    list TEXT NOT NULL,
    position BIGINT NOT NULL,
    match_prefix TEXT NOT NULL,
    strip INTEGER NOT NULL,
    prepend TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX translation_rules_list ON translation_rules(customer_id, list, position);
