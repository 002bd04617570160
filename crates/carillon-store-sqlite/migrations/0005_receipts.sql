-- Delivery receipts: providers name a message by their own id, kept as provider_reference.
-- Keep in step with crates/carillon-store-postgres/migrations (same version and index names).
CREATE INDEX notifications_provider_reference ON notifications (provider_reference)
    WHERE provider_reference IS NOT NULL;
