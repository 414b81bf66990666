-- Filters that stay instant at a million customers (issue 17).
--
-- Company and name are contains-matches: trigram GIN indexes over the lower-cased text
-- (`lower(x) LIKE '%text%'` is answered from them). Account code and web username are prefix
-- ranges compared byte-wise (`COLLATE "C"`, as the device and subscriber searches), which the
-- unique indexes in the database's collation cannot serve: one "C" index each.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_company_trgm ON customers USING gin (lower(company) gin_trgm_ops);
CREATE INDEX customers_name_trgm ON customers USING gin (lower(name) gin_trgm_ops);
CREATE INDEX customers_account_prefix ON customers (account_code COLLATE "C");
CREATE INDEX customers_username_prefix ON customers (username_key COLLATE "C");
-- The status filter in the default order (company): an index walk, not a sort of every match.
CREATE INDEX customers_status_company ON customers(status, company, id);

-- The audit log searched by who, action, kind of object and time range, newest first: each
-- equality filter leads an index that then runs in time order, so a page is an index walk.
CREATE INDEX audit_log_at_id ON audit_log(at, id);
CREATE INDEX audit_log_actor_at ON audit_log(actor, at, id);
CREATE INDEX audit_log_action_at ON audit_log(action, at, id);
CREATE INDEX audit_log_type_at ON audit_log(object_type, at, id);
CREATE INDEX audit_log_object_at ON audit_log(object_type, object_id, at, id);
