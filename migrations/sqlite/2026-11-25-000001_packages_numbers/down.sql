DROP TABLE emergency_locations;
DROP TABLE cpn_substitutions;
DROP TABLE did_ranges;
DROP TABLE customer_packages;
DROP TABLE packages;
