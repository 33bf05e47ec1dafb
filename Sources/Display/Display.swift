// The Display module; see docs/architecture.md.
