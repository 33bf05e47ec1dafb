// The NeuralNetworks module; see docs/architecture.md.
