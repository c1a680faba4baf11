-- rolemine schema, version 1. See docs/schema.md.
CREATE SEQUENCE IF NOT EXISTS snapshot_seq START 1;
CREATE SEQUENCE IF NOT EXISTS run_seq START 1;
CREATE SEQUENCE IF NOT EXISTS report_seq START 1;

CREATE TABLE snapshots (
    snapshot_id   BIGINT PRIMARY KEY,
    source        VARCHAR NOT NULL,
    detail        VARCHAR,
    created_at    TIMESTAMP NOT NULL,
    users         BIGINT NOT NULL,
    resources     BIGINT NOT NULL,
    entitlements  BIGINT NOT NULL,
    assignments   BIGINT NOT NULL
);

CREATE TABLE users (
    snapshot_id          BIGINT NOT NULL,
    user_key             INTEGER NOT NULL,
    id                   VARCHAR NOT NULL,
    user_principal_name  VARCHAR,
    display_name         VARCHAR,
    job_title            VARCHAR,
    department           VARCHAR,
    company_name         VARCHAR,
    employee_type        VARCHAR,
    account_enabled      BOOLEAN,
    user_type            VARCHAR,
    manager_id           VARCHAR
);

CREATE TABLE user_attributes (
    snapshot_id  BIGINT NOT NULL,
    user_key     INTEGER NOT NULL,
    name         VARCHAR NOT NULL,
    value        VARCHAR
);

CREATE TABLE resources (
    snapshot_id   BIGINT NOT NULL,
    id            VARCHAR NOT NULL,
    type          VARCHAR NOT NULL,
    display_name  VARCHAR
);

CREATE TABLE entitlements (
    snapshot_id      BIGINT NOT NULL,
    entitlement_key  INTEGER NOT NULL,
    resource_id      VARCHAR NOT NULL,
    role             VARCHAR NOT NULL
);

CREATE TABLE assignments (
    snapshot_id      BIGINT NOT NULL,
    user_key         INTEGER NOT NULL,
    entitlement_key  INTEGER NOT NULL
);

CREATE TABLE mining_runs (
    run_id       BIGINT PRIMARY KEY,
    snapshot_id  BIGINT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    method       VARCHAR NOT NULL,
    params       VARCHAR NOT NULL,
    packages     INTEGER NOT NULL,
    seconds      DOUBLE NOT NULL
);

CREATE TABLE packages (
    run_id           BIGINT NOT NULL,
    package_id       VARCHAR NOT NULL,
    ordinal          INTEGER NOT NULL,
    name             VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    rule             VARCHAR,
    automatic        BOOLEAN NOT NULL,
    members          INTEGER NOT NULL,
    entitlements     INTEGER NOT NULL,
    rule_users       INTEGER NOT NULL,
    coverage         DOUBLE NOT NULL,
    members_gaining  INTEGER NOT NULL,
    grants_added     INTEGER NOT NULL,
    min_prevalence   DOUBLE NOT NULL,
    mean_prevalence  DOUBLE NOT NULL,
    conditions       VARCHAR NOT NULL
);

CREATE TABLE package_members (
    run_id      BIGINT NOT NULL,
    package_id  VARCHAR NOT NULL,
    user_id     VARCHAR NOT NULL
);

CREATE TABLE package_entitlements (
    run_id       BIGINT NOT NULL,
    package_id   VARCHAR NOT NULL,
    resource_id  VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    prevalence   DOUBLE NOT NULL
);

CREATE TABLE reports (
    report_id    BIGINT PRIMARY KEY,
    run_id       BIGINT,
    snapshot_id  BIGINT NOT NULL,
    kind         VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    params       VARCHAR NOT NULL
);

CREATE TABLE findings (
    report_id        BIGINT NOT NULL,
    kind             VARCHAR NOT NULL,
    user_id          VARCHAR,
    resource_id      VARCHAR,
    role             VARCHAR,
    package_id       VARCHAR,
    rule             VARCHAR,
    severity         VARCHAR,
    peer_group       VARCHAR,
    peer_prevalence  DOUBLE,
    score            DOUBLE,
    reason           VARCHAR NOT NULL
);

CREATE VIEW assignment_details AS
SELECT a.snapshot_id, u.id AS user_id, u.user_principal_name, u.job_title, u.department,
       e.resource_id, r.type AS resource_type, r.display_name AS resource_name, e.role
FROM assignments a
JOIN users u ON u.snapshot_id = a.snapshot_id AND u.user_key = a.user_key
JOIN entitlements e ON e.snapshot_id = a.snapshot_id AND e.entitlement_key = a.entitlement_key
LEFT JOIN resources r ON r.snapshot_id = e.snapshot_id AND r.id = e.resource_id;
