// Package validate checks busybench's generated dashboards at run time, as Grafana's own schema
// types see them: the TypeScript SDK types the builders at compile time only, and a hand edit, a
// bad cast or an SDK upgrade can still write JSON Grafana would read differently. Every file of
// dashboards/json (both languages) is decoded strictly into the Go foundation SDK's dashboard
// type (no unknown field, no wrong type, no missing required field, down to each panel's options
// and each Prometheus query) and then validated (the schema's constraints: grid bounds, …).
package validate
