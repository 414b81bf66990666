DROP TABLE bpl_task_parameters;
DROP TABLE bpl_tasks;
DROP TABLE transfer_definition_product_types;
DROP TABLE transfer_definition_values;
DROP TABLE transfer_definitions;
