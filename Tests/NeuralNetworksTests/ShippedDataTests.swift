import Testing

@testable import NeuralNetworks

@Suite struct ShippedDataTests {
    @Test func irisHasFiftyOfEachClassAndFisherSummaryStatistics() {
        let (features, labels) = ShippedData.irisRows()
        #expect(features.count == 150 * 4)
        #expect(labels.count == 150)
        for label in 0..<3 { #expect(labels.filter { $0 == label }.count == 50) }
        #expect(Array(features[0..<4]) == [5.1, 3.5, 1.4, 0.2])
        // Means as the data set's own description gives them: 5.84, 3.05, 3.76, 1.20.
        let expectedMeans: [Float] = [5.84, 3.05, 3.76, 1.20]
        for column in 0..<4 {
            let mean = stride(from: column, to: features.count, by: 4).map { features[$0] }.reduce(0, +) / 150
            #expect(abs(mean - expectedMeans[column]) < 0.01)
        }
    }

    @Test func digitsHas1797ImagesOfEveryDigitWithPixelsInRange() {
        let (pixels, labels) = ShippedData.digitRows()
        #expect(pixels.count == 1797 * 64)
        #expect(labels.count == 1797)
        #expect(pixels.allSatisfy { $0 >= 0 && $0 <= 16 })
        #expect(pixels.contains(16))
        for digit in 0..<10 { #expect(labels.filter { $0 == digit }.count >= 170) }
        // The first image is a zero; its first row is 0 0 5 13 9 1 0 0.
        #expect(labels[0] == 0)
        #expect(Array(pixels[0..<8]) == [0, 0, 5, 13, 9, 1, 0, 0])
        #expect(labels[1796] == 8)
    }
}
