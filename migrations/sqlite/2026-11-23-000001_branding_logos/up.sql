-- Branding profiles get a display name shown on the portal, a version for concurrent edits,
-- and an optional logo (PNG or JPEG, at most 256 KB) kept in a table of its own.
ALTER TABLE branding_profiles ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE branding_profiles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
UPDATE branding_profiles SET display_name = name;

CREATE TABLE branding_logos (
    branding_id BIGINT PRIMARY KEY NOT NULL REFERENCES branding_profiles(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    updated_at BIGINT NOT NULL
);
