-- An operator's own time zone for the times they see (NULL: the server's SELFCARE_TIME_ZONE).
ALTER TABLE operators ADD COLUMN time_zone TEXT;
