ALTER TABLE subscribers DROP COLUMN fd_changed_at;
ALTER TABLE subscribers DROP COLUMN fd_change_count;
DROP TABLE topup_runs;
DROP TABLE topup_rules;
DROP TABLE credit_cards;
DROP TABLE promotion_awards;
DROP TABLE promotions;
