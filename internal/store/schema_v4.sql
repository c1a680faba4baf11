-- rolemine schema, version 4: why a package is for direct assignment when
-- its rule would test an attribute Entra cannot evaluate
-- (tenant.Package.DirectReason); runs saved before have none (NULL).
-- See docs/schema.md.
ALTER TABLE packages ADD COLUMN direct_reason VARCHAR;
