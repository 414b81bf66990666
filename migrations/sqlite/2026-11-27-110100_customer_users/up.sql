-- A customer's users, hosted-PBX settings, pending billing changes and the welcome mail outbox
-- (issue 14). Expand only: new tables, and one defaulted column on packages.

-- A package is what a user holds (exactly one); an add-on is assigned per user on top. Both
-- are quantities on the customer (customer_packages).
ALTER TABLE packages ADD COLUMN kind TEXT NOT NULL DEFAULT 'package';

-- `sip_key` is the SIP username lower-cased: one key space with sip_devices.login_key (the
-- service checks both tables under one lock; each table's unique index backs it).
CREATE TABLE customer_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    extension TEXT NOT NULL,
    sip_username TEXT NOT NULL,
    sip_key TEXT NOT NULL,
    package_id BIGINT NOT NULL REFERENCES packages(id),
    password_hash TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX customer_users_sip ON customer_users(sip_key);
CREATE UNIQUE INDEX customer_users_extension ON customer_users(customer_id, extension);
CREATE INDEX customer_users_package ON customer_users(customer_id, package_id);

CREATE TABLE customer_user_addons (
    user_id BIGINT NOT NULL REFERENCES customer_users(id) ON DELETE CASCADE,
    package_id BIGINT NOT NULL REFERENCES packages(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, package_id)
);
CREATE INDEX customer_user_addons_count ON customer_user_addons(customer_id, package_id);

-- Admin lists of the PBX settings: platforms (platform groups), key templates, hotdesk devices.
CREATE TABLE pbx_options (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX pbx_options_name ON pbx_options(kind, name);
INSERT INTO pbx_options (kind, name, created_at) VALUES
    ('platform', 'MiVoice Business EU-1', 0), ('platform', 'MiVoice Business US-1', 0),
    ('key_template', 'Standard 6 keys', 0), ('key_template', 'Reception 24 keys', 0),
    ('hotdesk_device', '6920w', 0), ('hotdesk_device', '6930w', 0);

-- A customer without a row has the defaults the code names (extension length 4, …).
CREATE TABLE customer_pbx_settings (
    customer_id BIGINT PRIMARY KEY NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    platform_id BIGINT REFERENCES pbx_options(id),
    extension_length INTEGER NOT NULL DEFAULT 4,
    dial_internal BOOLEAN NOT NULL DEFAULT TRUE,
    dial_local BOOLEAN NOT NULL DEFAULT TRUE,
    dial_national BOOLEAN NOT NULL DEFAULT TRUE,
    dial_international BOOLEAN NOT NULL DEFAULT FALSE,
    welcome_mail BOOLEAN NOT NULL DEFAULT FALSE,
    confirm_billing BOOLEAN NOT NULL DEFAULT FALSE,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    managed_by TEXT NOT NULL DEFAULT 'mivoice',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);

-- The key templates and hotdesk devices a customer may use (several of each).
CREATE TABLE customer_pbx_options (
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    option_id BIGINT NOT NULL REFERENCES pbx_options(id),
    PRIMARY KEY (customer_id, option_id)
);
CREATE INDEX customer_pbx_options_option ON customer_pbx_options(option_id);

-- An operator's change of package/add-on quantities that waits for the customer's answer:
-- `quantities` is the wanted set as JSON [[package_id, quantity], …]; status pending |
-- accepted | declined | superseded.
CREATE TABLE billing_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    quantities TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    decided_by TEXT,
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX billing_changes_customer ON billing_changes(customer_id, status, id);

-- Mail waiting to be sent (or kept, when no SMTP server is configured); never a password.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES customer_users(id) ON DELETE SET NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX mail_outbox_status ON mail_outbox(status, id);
CREATE INDEX mail_outbox_customer ON mail_outbox(customer_id, id);

-- One-time set-password links of users: only a SHA-256 of the token is kept.
CREATE TABLE user_password_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES customer_users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX user_password_tokens_user ON user_password_tokens(user_id);
