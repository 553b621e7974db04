#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Whole-file reads and writes for safetensors, the only place the engine touches Foundation.
enum SafetensorsIO {
    /// The bytes of the file at `path`.
    static func readFile(at path: String) throws(SafetensorsError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw SafetensorsError(.cannotRead(String(describing: error)), path: path)
        }
    }

    /// Replaces the file at `path` with `bytes`, atomically.
    static func writeFile(_ bytes: [UInt8], to path: String) throws(SafetensorsError) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SafetensorsError(.cannotWrite(String(describing: error)), path: path)
        }
    }
}
