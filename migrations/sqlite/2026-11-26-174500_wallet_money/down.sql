DROP TABLE operator_limits;
DROP TABLE product_type_limits;
DROP TABLE edr_balances;
DROP TABLE edrs;
DROP TABLE balance_buckets;
DROP TABLE wallet_balances;
DROP TABLE balance_types;
