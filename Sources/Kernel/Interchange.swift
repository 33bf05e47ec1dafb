// The kernel speaks in the Interchange module's types (`JSON`); a module that imports Kernel
// sees them without importing Interchange itself.

@_exported import Interchange
