// Display draws with the Interchange module's types (`Base64`); a module that imports Display
// sees them without importing Interchange itself.

@_exported import Interchange
