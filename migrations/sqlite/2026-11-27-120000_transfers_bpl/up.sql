-- Credit transfers and BPL tasks (admin reference data per service provider). Amounts are
-- integers in the unit of their balance type (minor units, seconds, units).

-- A transfer definition: what the purchaser pays (on a cash balance) and what the recipient gets.
CREATE TABLE transfer_definitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    cost_balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    cost BIGINT NOT NULL,
    wallet_expiry_extension_days INTEGER NOT NULL DEFAULT 0,
    swap_product_type_id BIGINT REFERENCES product_types(id),
    pin_required BOOLEAN NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (service_provider_id, name)
);

-- What the recipient gets per balance type: a value credited and/or the expiry of its dated
-- buckets moved on by a number of days.
CREATE TABLE transfer_definition_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    definition_id BIGINT NOT NULL REFERENCES transfer_definitions(id) ON DELETE CASCADE,
    balance_type_id BIGINT NOT NULL REFERENCES balance_types(id),
    value BIGINT NOT NULL DEFAULT 0,
    bucket_expiry_extension_days INTEGER NOT NULL DEFAULT 0,
    UNIQUE (definition_id, balance_type_id)
);

-- The product types a recipient's wallet may have (none listed: any).
CREATE TABLE transfer_definition_product_types (
    definition_id BIGINT NOT NULL REFERENCES transfer_definitions(id) ON DELETE CASCADE,
    product_type_id BIGINT NOT NULL REFERENCES product_types(id),
    PRIMARY KEY (definition_id, product_type_id)
);

-- A BPL task: a built-in action with its fixed settings and an optional charge.
CREATE TABLE bpl_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    service_provider_id BIGINT NOT NULL REFERENCES service_providers(id),
    name TEXT NOT NULL,
    action TEXT NOT NULL,
    balance_type_id BIGINT REFERENCES balance_types(id),
    amount BIGINT NOT NULL DEFAULT 0,
    product_type_id BIGINT REFERENCES product_types(id),
    wallet_state TEXT,
    extension_days INTEGER NOT NULL DEFAULT 0,
    charge_balance_type_id BIGINT REFERENCES balance_types(id),
    charge BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (service_provider_id, name)
);

-- A task's typed parameters, asked for when it is executed, in position order.
CREATE TABLE bpl_task_parameters (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    task_id BIGINT NOT NULL REFERENCES bpl_tasks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    mandatory BOOLEAN NOT NULL DEFAULT 0,
    choices TEXT NOT NULL DEFAULT '',
    supplies TEXT NOT NULL DEFAULT 'recorded'
);
