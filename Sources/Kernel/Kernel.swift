// The Kernel module; see docs/architecture.md.
