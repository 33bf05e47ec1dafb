extension Duration {
    /// The duration as a number of seconds, for the waits and figures that take a `Double`.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
