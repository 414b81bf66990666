-- Compliance hold: the restricted-party list operators upload, and one review per screening hit.
-- A review is open while decided_at is NULL; past due_at it counts as failed.

CREATE TABLE restricted_parties (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX restricted_parties_key ON restricted_parties(country, name_key);

CREATE TABLE compliance_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    screened_name TEXT NOT NULL,
    matched_name TEXT NOT NULL,
    matched_country TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    decided_at BIGINT,
    decision TEXT,
    decided_by TEXT,
    reason TEXT
);
CREATE INDEX compliance_reviews_open ON compliance_reviews(decided_at, due_at);
CREATE INDEX compliance_reviews_customer ON compliance_reviews(customer_id, id);
