// The ZeroMQ module; see docs/architecture.md.
