DROP TABLE vouchers;
DROP TABLE voucher_batches;
DROP INDEX edrs_reverses;
ALTER TABLE operators DROP COLUMN edr_no_masking;
ALTER TABLE edrs DROP COLUMN partial;
ALTER TABLE edrs DROP COLUMN reverses_edr_id;
