-- rolemine schema, version 2: what a directory source keeps with a
-- snapshot, and the access packages that already exist. See docs/schema.md.
CREATE TABLE snapshot_state (
    snapshot_id  BIGINT NOT NULL,
    key          VARCHAR NOT NULL,
    value        VARCHAR NOT NULL
);

CREATE TABLE existing_packages (
    snapshot_id   BIGINT NOT NULL,
    package_id    VARCHAR NOT NULL,
    display_name  VARCHAR,
    catalog_id    VARCHAR
);

CREATE TABLE existing_package_entitlements (
    snapshot_id  BIGINT NOT NULL,
    package_id   VARCHAR NOT NULL,
    resource_id  VARCHAR NOT NULL,
    role         VARCHAR NOT NULL
);

CREATE TABLE existing_package_assignments (
    snapshot_id  BIGINT NOT NULL,
    package_id   VARCHAR NOT NULL,
    user_id      VARCHAR NOT NULL
);
