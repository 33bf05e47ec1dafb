// Display's results are `Interchange.MIMEBundle`s; a module that imports Display sees that
// type (and `JSON`, `Base64`) without importing Interchange itself.

@_exported import Interchange
