-- Foundation schema: reference data, operators, sessions, customers, sites, access links, audit.
-- Times are UTC seconds since the Unix epoch (BIGINT) so both engines agree.

CREATE TABLE app_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE service_providers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE tariffs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE branding_profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    primary_color TEXT NOT NULL,
    footer_text TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE operators (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    service_provider_id BIGINT REFERENCES service_providers(id),
    disabled BOOLEAN NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE web_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    principal TEXT,
    expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_principal ON web_sessions(principal);
CREATE INDEX web_sessions_expires ON web_sessions(expires_at);

CREATE TABLE operator_preferences (
    operator_id BIGINT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    pref_key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (operator_id, pref_key)
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    account_code TEXT NOT NULL UNIQUE,
    customer_type TEXT NOT NULL,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    tariff_id BIGINT NOT NULL REFERENCES tariffs(id),
    billing_type TEXT NOT NULL,
    payment_term_days INTEGER NOT NULL,
    credit_limit_cents BIGINT NOT NULL,
    billing_decimals INTEGER NOT NULL,
    tax_flag TEXT NOT NULL,
    max_call_sessions INTEGER NOT NULL,
    calls_per_second INTEGER NOT NULL,
    call_with_media BOOLEAN NOT NULL,
    codec_list TEXT NOT NULL,
    max_call_duration_secs INTEGER,
    name TEXT NOT NULL,
    company TEXT NOT NULL,
    description TEXT NOT NULL,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    country TEXT NOT NULL,
    pin TEXT NOT NULL,
    webid TEXT NOT NULL UNIQUE,
    branding_id BIGINT NOT NULL REFERENCES branding_profiles(id),
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX customers_company ON customers(company, id);
CREATE INDEX customers_name ON customers(name, id);
CREATE INDEX customers_status ON customers(status, id);
CREATE INDEX customers_email ON customers(email, id);
CREATE INDEX customers_phone ON customers(phone, id);
CREATE INDEX customers_country ON customers(country, id);
CREATE INDEX customers_created ON customers(created_at, id);
CREATE INDEX customers_sp ON customers(service_provider_id, id);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    address TEXT NOT NULL,
    country TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sites_customer ON sites(customer_id, id);

CREATE TABLE access_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    link_type TEXT NOT NULL,
    bandwidth_down_kbps BIGINT NOT NULL,
    bandwidth_up_kbps BIGINT NOT NULL,
    ip_address TEXT NOT NULL,
    circuit_id TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX access_links_site ON access_links(site_id, id);
CREATE INDEX access_links_ip ON access_links(ip_address);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    reason TEXT
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, id);
CREATE INDEX audit_log_at ON audit_log(at);
