DROP TABLE customer_admins;
