DROP TABLE activation_bonuses;
