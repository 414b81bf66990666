-- Filters that stay instant at a million customers (issue 17).
--
-- Company and name are contains-matches: an FTS5 index with the trigram tokenizer (case folded,
-- `case_sensitive 0`) over the two columns, an external-content table kept in step with
-- `customers` by the triggers below. Account code and web username are prefix ranges on their
-- unique indexes (BINARY collation: byte order), so they need nothing new here.
CREATE VIRTUAL TABLE customers_search USING fts5(
    company, name,
    content = 'customers', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 0'
);
INSERT INTO customers_search(customers_search) VALUES ('rebuild');

CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_search(rowid, company, name) VALUES (new.id, new.company, new.name);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_search(customers_search, rowid, company, name)
        VALUES ('delete', old.id, old.company, old.name);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF company, name ON customers
    WHEN old.company IS NOT new.company OR old.name IS NOT new.name BEGIN
    INSERT INTO customers_search(customers_search, rowid, company, name)
        VALUES ('delete', old.id, old.company, old.name);
    INSERT INTO customers_search(rowid, company, name) VALUES (new.id, new.company, new.name);
END;

-- The status filter in the default order (company): an index walk, not a sort of every match.
CREATE INDEX customers_status_company ON customers(status, company, id);

-- The audit log searched by who, action, kind of object and time range, newest first: each
-- equality filter leads an index that then runs in time order, so a page is an index walk
-- (a time range alone: `audit_log_at`, whose rowid is the id).
CREATE INDEX audit_log_actor_at ON audit_log(actor, at, id);
CREATE INDEX audit_log_action_at ON audit_log(action, at, id);
CREATE INDEX audit_log_type_at ON audit_log(object_type, at, id);
CREATE INDEX audit_log_object_at ON audit_log(object_type, object_id, at, id);
