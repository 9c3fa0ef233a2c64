/**
 * The Grafana the dashboards are written for. @grafana/grafana-foundation-sdk 0.0.21 is generated
 * from Grafana's main branch: it writes schemaVersion 42, the v1 dashboard schema's last, which
 * Grafana has since 12.2.0, and fields Grafana's own schema has from 12.3.0 on (an annotation's
 * `placement`, a panel's `timeCompare`, field-config `actions`). docker-compose runs this one; a
 * test holds the two together.
 */
export const GRAFANA_VERSION = '12.3.0';

/** What the SDK's DashboardBuilder writes, and Grafana reads without migrating. */
export const SCHEMA_VERSION = 42;
