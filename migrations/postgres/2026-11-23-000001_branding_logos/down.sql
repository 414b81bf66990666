DROP TABLE branding_logos;
ALTER TABLE branding_profiles DROP COLUMN version;
ALTER TABLE branding_profiles DROP COLUMN display_name;
