-- Indexes of the Client Manager (src/client_manager/query.rs). Each list query reads one
-- covering index in the order it needs, so neither counting nor paging touches the wide
-- client rows until the page's ids are known. Keep this file in step with the PostgreSQL one.

-- Folder counts without search or filters: the narrowest index that has the status.
CREATE INDEX clients_manager_counts ON clients (provider_id, status);

-- Folder counts with search or filters. The representative and serving site are there for the
-- joins of the representative rule, so "No representative" reads no table rows either.
CREATE INDEX clients_manager_by_status ON clients (provider_id, status, class_id, serving_site_id, representative_id, search_text);

-- The page's ids by company name, with everything the folder, search and filters test.
CREATE INDEX clients_manager_by_name ON clients (provider_id, name_key, id, status, class_id, serving_site_id, representative_id, search_text);

-- The other sort orders, each with the status so the folder is tested in the index. Sorting by
-- status uses clients_status, and by account representative no index can help: that name is
-- computed from the representative rule.
CREATE INDEX clients_manager_account ON clients (provider_id, LENGTH(account_number_key), account_number_key, id, status);
CREATE INDEX clients_manager_city ON clients (provider_id, billing_city, name_key, id, status);
CREATE INDEX clients_manager_state ON clients (provider_id, billing_state, name_key, id, status);
CREATE INDEX clients_manager_contact ON clients (provider_id, contact_last_name, contact_first_name, name_key, id, status);
CREATE INDEX clients_manager_updated ON clients (provider_id, updated_at, id, status);
