-- A delivery's forge is any forge adapter's name (src/forges/adapters.ts), not a fixed pair, so
-- a new forge needs no migration; the webhook route it came through is the adapter's own.
ALTER TABLE forgeflow.deliveries DROP CONSTRAINT deliveries_forge_check;
ALTER TABLE forgeflow.deliveries
  ADD CONSTRAINT deliveries_forge_name CHECK (forge ~ '^[a-z][a-z0-9-]{0,39}$');
