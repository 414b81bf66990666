DROP TABLE compliance_reviews;
DROP TABLE restricted_parties;
