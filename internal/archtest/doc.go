// Package archtest holds no code: its test enforces the import rules of the
// architecture (see docs/architecture.md).
package archtest
