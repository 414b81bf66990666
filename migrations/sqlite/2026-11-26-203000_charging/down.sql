DROP TABLE reservations;
DROP TABLE api_tokens;
