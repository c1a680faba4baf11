// Package export turns proposed packages into definitions for other tools:
// an ordered Microsoft Graph request plan for Entra entitlement management
// (graph-json), and tool-neutral JSON and CSV. Encoders are pure and
// deterministic: the same packages give byte-identical output.
package export
