import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import GlobalConvTools
import Testing

/// Collects the elements of an XML document and whether it parsed.
final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append((name, attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    /// Parses `xml`; nil when it is not well-formed.
    static func parse(_ xml: String) -> ElementCollector? {
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = ElementCollector()
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }
}

@Suite("Sweep SVG chart")
struct SweepPlotTests {
    let rows = directFFTRows([(3, 0.1, 0.5), (13, 2, 0.8), (31, 12, 1.1), (51, 35, 1.4)])
        + [sweepRow(3, "auto", 0.1), sweepRow(13, "auto", 0.8), sweepRow(31, "auto", 1.1), sweepRow(51, "auto", 1.4)]

    @Test("the SVG is well-formed XML with one polyline per path")
    func onePolylinePerPath() throws {
        let svg = SweepPlot(result: SweepResult(rows: rows)).svg()
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.elements.first?.name == "svg")
        let lines = doc.elements.filter { $0.name == "polyline" }
        #expect(lines.map { $0.attributes["data-series"] } == ["direct", "fft", "auto"])
        for line in lines {
            #expect(line.attributes["points"]?.split(separator: " ").count == 4)
        }
        #expect(doc.text.contains("crossover K = 13"))
        #expect(doc.text.contains("kernel size K"))
        #expect(doc.text.contains("time per call (ms, log scale)"))
    }

    @Test("baseline ops get one dashed polyline each, only where they match the sweep")
    func baselineSeries() throws {
        let baseline = [
            BaselineRow(op: "depthwise", kernel: 3, size: [56, 56], channels: 128, batch: 1, threads: 2, medianMs: 0.2, minMs: 0.2),
            BaselineRow(op: "depthwise", kernel: 13, size: [56, 56], channels: 128, batch: 1, threads: 2, medianMs: 3, minMs: 3),
            BaselineRow(op: "depthwise_ort", kernel: 13, size: [56, 56], channels: 128, batch: 1, threads: 2, medianMs: 2, minMs: 2),
            BaselineRow(op: "parc", kernel: 56, size: [56, 56], channels: 128, batch: 1, threads: 2, medianMs: 2, minMs: 2),
        ]
        let report = SweepReport(result: SweepResult(rows: rows), configuration: SweepConfiguration(), baseline: baseline)
        let doc = try #require(ElementCollector.parse(SweepPlot(report: report).svg()))
        let lines = doc.elements.filter { $0.name == "polyline" }
        #expect(lines.map { $0.attributes["data-series"] } == ["direct", "fft", "auto", "depthwise", "depthwise_ort"])
        #expect(lines[3].attributes["stroke-dasharray"] != nil)
        #expect(lines[0].attributes["stroke-dasharray"] == nil)
    }

    @Test("names with XML special characters are escaped")
    func escaping() throws {
        let baseline = [BaselineRow(op: "a<b>&\"c\"", kernel: 3, size: [56, 56], channels: 128, batch: 1, threads: 2,
                                    medianMs: 0.2, minMs: 0.2)]
        let svg = SweepPlot(result: SweepResult(rows: rows), baseline: baseline, title: "x & y").svg()
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.elements.filter { $0.name == "polyline" }.last?.attributes["data-series"] == "a<b>&\"c\"")
    }

    @Test("a single kernel size still gives a well-formed chart")
    func singlePoint() throws {
        let svg = SweepPlot(result: SweepResult(rows: [sweepRow(7, "fft", 0.3)])).svg()
        let doc = try #require(ElementCollector.parse(svg))
        #expect(doc.elements.filter { $0.name == "polyline" }.count == 1)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }
}
