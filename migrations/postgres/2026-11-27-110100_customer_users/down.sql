DROP TABLE user_password_tokens;
DROP TABLE mail_outbox;
DROP TABLE billing_changes;
DROP TABLE customer_pbx_options;
DROP TABLE customer_pbx_settings;
DROP TABLE pbx_options;
DROP TABLE customer_user_addons;
DROP TABLE customer_users;
ALTER TABLE packages DROP COLUMN kind;
