-- Covering indexes of the Assets tab (src/assets/queries.rs). A page picks its asset ids from
-- one of these without reading asset rows, then reads the full rows of those ids only; the
-- count reads the same index. Every column the tab filters on is in both.
CREATE INDEX assets_tab_by_name ON assets (provider_id, client_id, name_key, id, site_id, status, next_service_date, search_text);
CREATE INDEX assets_tab_by_site ON assets (provider_id, client_id, site_id, name_key, id, status, next_service_date, search_text);
