DROP TABLE cdrs;
DROP TABLE cdr_imports;
DROP TABLE payments;
