// The Language module; see docs/architecture.md.
