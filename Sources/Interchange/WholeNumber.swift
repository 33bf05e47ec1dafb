extension Double {
    /// The value as an Int when it is a whole number smaller in magnitude than `limit`, else nil
    /// (also for NaN and the infinities).
    ///
    /// The limit is the caller's: 9e15, below 2⁵³ where every whole number is exact, where a
    /// number is read as a count or an index; 1e15 where a number is printed without its
    /// fraction, so that larger ones keep the exponent form; 1e18 where JSON reads integers.
    public func wholeNumber(below limit: Double) -> Int? {
        guard self == rounded(), Swift.abs(self) < limit else { return nil }
        return Int(self)
    }
}
