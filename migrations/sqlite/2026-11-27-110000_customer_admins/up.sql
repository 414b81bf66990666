-- A customer's administrators: each signs in to the customer's portal with their own name and
-- password and a role within the customer (admin: may change; viewer: may only look). The web
-- access account of the create form becomes the first ("primary") one; the customers table keeps
-- its username/password columns (expand only) but sign-in reads this table.
CREATE TABLE customer_admins (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'admin',
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX customer_admins_name ON customer_admins(customer_id, username_key);

INSERT INTO customer_admins
    (customer_id, username, username_key, password_hash, role, is_primary, disabled, version,
     created_at, updated_at)
SELECT id, username, username_key, password_hash, 'admin', TRUE, FALSE, 1, created_at, updated_at
FROM customers;
