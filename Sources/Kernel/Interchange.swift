// The kernel speaks in the Interchange module's types (`JSON`, `MIMEBundle`); a module that
// imports Kernel sees them without importing Interchange itself.

@_exported import Interchange

/// The bundle type under the name kernel code has long used for it.
public typealias MimeBundle = MIMEBundle
