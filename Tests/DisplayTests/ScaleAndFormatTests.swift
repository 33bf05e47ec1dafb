import Testing

@testable import Display

@Test func niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    #expect(Scale.niceStep(0.13).step == 0.1)
    #expect(Scale.niceStep(0.17).step == 0.2)
    #expect(Scale.niceStep(4).step == 5)
    #expect(Scale.niceStep(8).step == 10)
    #expect(Scale.niceStep(2300).step == 2000)
}

@Test func linearTicksFallOnRoundNumbers() {
    let ticks = Scale(kind: .linear, lower: 0, upper: 1).ticks(count: 5)
    #expect(ticks.map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
    let shifted = Scale(kind: .linear, lower: -0.03, upper: 0.31).ticks(count: 4)
    #expect(shifted.map(\.label) == ["0", "0.1", "0.2", "0.3"])
}

@Test func everyAxisGetsAtLeastTwoTicks() {
    let ticks = Scale(kind: .linear, lower: -4, upper: 4).ticks(count: 2)
    #expect(ticks.count >= 2)
}

@Test func logTicksArePowersOfTen() {
    let ticks = Scale(kind: .log, lower: 1e-5, upper: 1).ticks(count: 6)
    #expect(ticks.map(\.label) == ["1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1e0"])
    let plain = Scale(kind: .log, lower: 0.001, upper: 1000).ticks(count: 7)
    #expect(plain.map(\.label) == ["0.001", "0.01", "0.1", "1", "10", "100", "1000"])
    let narrow = Scale(kind: .log, lower: 0.04, upper: 2.5).ticks(count: 5)
    #expect(narrow.map(\.label) == ["0.05", "0.1", "0.2", "0.5", "1", "2"])
}

@Test func largeRoundTicksAreGrouped() {
    #expect(Scale(kind: .linear, lower: 0, upper: 20_000).ticks(count: 2).map(\.label) == ["0", "10,000", "20,000"])
}

@Test func hugeAndTinyTicksUseScientificNotation() {
    #expect(Scale(kind: .linear, lower: 0, upper: 3e7).ticks(count: 3).map(\.label) == ["0", "1e7", "2e7", "3e7"])
    #expect(Scale(kind: .linear, lower: 0, upper: 2e-9).ticks(count: 2).map(\.label) == ["0", "1e-9", "2e-9"])
}

@Test func constantAndEmptyDataStillGiveAnInterval() {
    let constant = Scale.covering(5, 5, kind: .linear)
    #expect(constant.lower < 5 && constant.upper > 5)
    let zero = Scale.covering(0, 0, kind: .linear)
    #expect(zero.lower == -1 && zero.upper == 1)
    let empty = Scale.covering(nil, nil, kind: .log)
    #expect(empty.lower > 0 && empty.upper > empty.lower)
}

@Test func numbersAreFormattedWithoutFoundation() {
    #expect(NumberFormat.fixed(2.5, decimals: 2) == "2.5")
    #expect(NumberFormat.fixed(-0.001, decimals: 2) == "0")
    #expect(NumberFormat.fixed(0.05, decimals: 2) == "0.05")
    #expect(NumberFormat.fixed(-12.345, decimals: 1) == "-12.3")
    #expect(NumberFormat.exponential(2.5e-7, significant: 3) == "2.5e-7")
    #expect(NumberFormat.exponential(9.9999e5, significant: 3) == "1e6")
    #expect(NumberFormat.general(0.0012345) == "0.001235")
    #expect(NumberFormat.general(1234567) == "1.235e6")
    #expect(NumberFormat.general(.nan) == "nan")
    #expect(NumberFormat.grouped(-1234567) == "-1,234,567")
    #expect(NumberFormat.coordinate(12.5) == "12.5")
    #expect(NumberFormat.coordinate(-0.004) == "0")
    #expect(NumberFormat.coordinate(3.07) == "3.07")
}

@Test func base64MatchesTheStandardVectors() {
    #expect(Base64.encode(Array("".utf8)) == "")
    #expect(Base64.encode(Array("f".utf8)) == "Zg==")
    #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
    #expect(Base64.encode(Array("foo".utf8)) == "Zm9v")
    #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
}

@Test func colormapsInterpolateAndClamp() {
    #expect(Colormap.viridis.color(at: 0) == Color(hex: 0x440154))
    #expect(Colormap.viridis.color(at: 1) == Color(hex: 0xFDE725))
    #expect(Colormap.viridis.color(at: 7) == Color(hex: 0xFDE725))
    #expect(Colormap.viridis.color(at: .nan) == Color(hex: 0x440154))
    #expect(Color.white.contrastingText == .ink)
    #expect(Color(hex: 0x440154).contrastingText == .white)
}
