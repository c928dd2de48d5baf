-- Providers (tenants), their sites and employees, client accounts, sessions and the audit trail.
-- Flags are BIGINT 0 or 1 because sqlx's Any driver cannot read SQLite booleans.
-- Timestamps are UTC text in RFC 3339 form written by the application, so both databases sort
-- and compare them the same way.

CREATE TABLE providers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    next_account_number BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE provider_sites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    code_key TEXT NOT NULL,
    address_line1 TEXT NOT NULL DEFAULT '',
    address_line2 TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL,
    default_representative_id BIGINT,
    qualer_site_id BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX provider_sites_code ON provider_sites (provider_id, code_key);
CREATE UNIQUE INDEX provider_sites_qualer_id ON provider_sites (provider_id, qualer_site_id);
CREATE INDEX provider_sites_default_representative ON provider_sites (default_representative_id);

CREATE TABLE employees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    home_site_id BIGINT REFERENCES provider_sites (id),
    active BIGINT NOT NULL DEFAULT 1,
    password_hash TEXT,
    qualer_employee_id BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Sign-in emails are unique across the whole deployment, compared case-insensitively.
CREATE UNIQUE INDEX employees_email ON employees (email_key);
CREATE INDEX employees_provider ON employees (provider_id, last_name, first_name, id);

CREATE TABLE client_list_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    qualer_id BIGINT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX client_list_values_name ON client_list_values (provider_id, kind, name);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    account_number TEXT NOT NULL,
    account_number_key TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    status TEXT NOT NULL,
    domain TEXT NOT NULL DEFAULT '',
    alternative_names TEXT NOT NULL DEFAULT '',
    custom_name TEXT NOT NULL DEFAULT '',
    legacy_id TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'USD',
    class_id BIGINT REFERENCES client_list_values (id),
    invoicing_id BIGINT REFERENCES client_list_values (id),
    standing_id BIGINT REFERENCES client_list_values (id),
    category_id BIGINT REFERENCES client_list_values (id),
    serving_site_id BIGINT REFERENCES provider_sites (id),
    representative_id BIGINT REFERENCES employees (id),
    account_manager_id BIGINT REFERENCES employees (id),
    contact_first_name TEXT NOT NULL DEFAULT '',
    contact_last_name TEXT NOT NULL DEFAULT '',
    contact_title TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_mobile TEXT NOT NULL DEFAULT '',
    contact_fax TEXT NOT NULL DEFAULT '',
    billing_line1 TEXT NOT NULL DEFAULT '',
    billing_line2 TEXT NOT NULL DEFAULT '',
    billing_city TEXT NOT NULL DEFAULT '',
    billing_state TEXT NOT NULL DEFAULT '',
    billing_postal_code TEXT NOT NULL DEFAULT '',
    billing_country TEXT NOT NULL DEFAULT '',
    shipping_same_as_billing BIGINT NOT NULL DEFAULT 1,
    shipping_line1 TEXT NOT NULL DEFAULT '',
    shipping_line2 TEXT NOT NULL DEFAULT '',
    shipping_city TEXT NOT NULL DEFAULT '',
    shipping_state TEXT NOT NULL DEFAULT '',
    shipping_postal_code TEXT NOT NULL DEFAULT '',
    shipping_country TEXT NOT NULL DEFAULT '',
    qualer_client_id BIGINT,
    search_text TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX clients_account_number ON clients (provider_id, account_number_key);
CREATE UNIQUE INDEX clients_qualer_id ON clients (provider_id, qualer_client_id);
CREATE INDEX clients_name ON clients (provider_id, name_key, id);
CREATE INDEX clients_status ON clients (provider_id, status, name_key, id);
CREATE INDEX clients_representative ON clients (representative_id, name_key, id);
CREATE INDEX clients_serving_site ON clients (serving_site_id, name_key, id);
CREATE INDEX clients_updated ON clients (provider_id, updated_at, id);

-- Client employees; the admin employee created with every client is one of them.
CREATE TABLE client_employees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    is_admin BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX client_employees_client ON client_employees (client_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    employee_id BIGINT NOT NULL REFERENCES employees (id),
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_employee ON sessions (employee_id);

CREATE TABLE sign_in_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email_key TEXT NOT NULL,
    address TEXT NOT NULL,
    succeeded BIGINT NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email_key, attempted_at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts (address, attempted_at);

-- Who changed what and when; `changes` is a JSON array of {field, before, after}.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor_employee_id BIGINT REFERENCES employees (id),
    actor_name TEXT NOT NULL,
    changes TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (provider_id, entity, entity_id, id);
