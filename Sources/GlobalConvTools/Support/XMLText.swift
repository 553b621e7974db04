/// Escaping for XML text and attribute values (SVG, JUnit).
enum XMLText {
    /// `&`, `<`, `>`, `"` as entities; control characters other than tab and newline dropped (XML 1.0
    /// does not allow them).
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                if let a = ch.asciiValue, a < 0x20, a != 0x09, a != 0x0A { continue }
                out.append(ch)
            }
        }
        return out
    }
}
