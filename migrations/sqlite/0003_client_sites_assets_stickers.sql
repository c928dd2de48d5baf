-- Client sites, assets and stickers.

-- A client's locations or other groupings of its assets. Billing and shipping addresses are
-- each either inherited from the client's headquarters (flag 1, the own columns unused) or the
-- site's own.
CREATE TABLE client_sites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    -- Folded code, NULL when the site has none, so sites without a code never collide.
    code_key TEXT,
    billing_inherited BIGINT NOT NULL DEFAULT 1,
    billing_line1 TEXT NOT NULL DEFAULT '',
    billing_line2 TEXT NOT NULL DEFAULT '',
    billing_city TEXT NOT NULL DEFAULT '',
    billing_state TEXT NOT NULL DEFAULT '',
    billing_postal_code TEXT NOT NULL DEFAULT '',
    billing_country TEXT NOT NULL DEFAULT '',
    shipping_inherited BIGINT NOT NULL DEFAULT 1,
    shipping_line1 TEXT NOT NULL DEFAULT '',
    shipping_line2 TEXT NOT NULL DEFAULT '',
    shipping_city TEXT NOT NULL DEFAULT '',
    shipping_state TEXT NOT NULL DEFAULT '',
    shipping_postal_code TEXT NOT NULL DEFAULT '',
    shipping_country TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL DEFAULT '',
    federal_number TEXT NOT NULL DEFAULT '',
    state_number TEXT NOT NULL DEFAULT '',
    is_science_facility BIGINT NOT NULL DEFAULT 0,
    is_service_center BIGINT NOT NULL DEFAULT 0,
    is_inventory_storage BIGINT NOT NULL DEFAULT 0,
    is_production BIGINT NOT NULL DEFAULT 0,
    archived_at TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX client_sites_code ON client_sites (client_id, code_key);
CREATE INDEX client_sites_client ON client_sites (client_id, name_key, id);

CREATE TABLE assets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    site_id BIGINT REFERENCES client_sites (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    manufacturer TEXT NOT NULL DEFAULT '',
    manufacturer_key TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    serial_number TEXT NOT NULL DEFAULT '',
    -- Folded serial number, NULL when empty, so assets without one never collide.
    serial_key TEXT,
    asset_tag TEXT NOT NULL DEFAULT '',
    equipment_id TEXT NOT NULL DEFAULT '',
    barcode TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    service_interval_months BIGINT,
    last_service_date TEXT,
    next_service_date TEXT,
    search_text TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Serial number plus manufacturer identifies an asset within a client.
CREATE UNIQUE INDEX assets_serial ON assets (client_id, manufacturer_key, serial_key);
CREATE INDEX assets_client ON assets (client_id, name_key, id);
CREATE INDEX assets_site ON assets (site_id, name_key, id);
CREATE INDEX assets_due ON assets (client_id, next_service_date);
CREATE INDEX assets_provider_due ON assets (provider_id, next_service_date, client_id);

-- One note per tab (assets, orders, account) per client; internal to the provider.
CREATE TABLE stickers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    client_id BIGINT NOT NULL REFERENCES clients (id),
    tab TEXT NOT NULL,
    note TEXT NOT NULL,
    colour TEXT NOT NULL,
    set_by_employee_id BIGINT REFERENCES employees (id),
    set_by_name TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE UNIQUE INDEX stickers_tab ON stickers (client_id, tab);
