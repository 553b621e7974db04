/// Output formats of the `globalconv` commands (each command accepts the subset it documents).
package enum OutputFormat: String, Sendable, CaseIterable, Codable {
    case table, csv, json, markdown, junit
}
