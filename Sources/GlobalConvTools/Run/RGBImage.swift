internal import CImageCodecs
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An 8-bit RGB image (rows top to bottom, pixels interleaved R, G, B), decoded from PNG (libpng) or
/// JPEG (libjpeg-turbo) by the system libraries. PNG as PIL's `convert("RGB")`: palettes and low-bit grey
/// expanded, 16-bit samples keep their high byte, grey replicated, alpha dropped without compositing, no
/// gamma or colour-profile conversion. JPEG: libjpeg's defaults (islow IDCT, fancy upsampling),
/// greyscale to RGB; CMYK is refused; a truncated JPEG (libjpeg only warns) is an error.
package struct RGBImage: Sendable, Equatable {
    package var width: Int
    package var height: Int
    /// `height · width · 3` bytes.
    package var pixels: [UInt8]

    package init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGBImage: \(pixels.count) bytes for \(width)×\(height)")
        (self.width, self.height, self.pixels) = (width, height, pixels)
    }

    /// The image file kinds recognised by their first bytes.
    package enum Kind: String, Sendable { case png, jpeg }

    /// `png` or `jpeg` from the file's signature, or nil.
    package static func kind(of bytes: [UInt8]) -> Kind? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// Decodes the PNG or JPEG at `path` (recognised by its signature).
    /// - Throws: ``ToolError/io(_:)`` for an unreadable file, ``ToolError/invalidValue(_:)`` for a
    ///   file that is neither or that libpng/libjpeg cannot decode (the library's message).
    package static func decode(path: String) throws(ToolError) -> RGBImage {
        let head = try FileAccess.readPrefix(path: path, count: 8, what: "image")
        guard let kind = kind(of: head) else {
            throw .invalidValue("\(path): not a PNG or JPEG file (unrecognised signature)")
        }
        var image = gc_image(width: 0, height: 0, rgb: nil)
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer { m in
            kind == .png ? gc_decode_png(path, &image, m.baseAddress, m.count) : gc_decode_jpeg(path, &image, m.baseAddress, m.count)
        }
        guard status == 0, let rgb = image.rgb else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .invalidValue("\(path): \(text)")
        }
        defer { gc_image_free(&image) }
        let (w, h) = (Int(image.width), Int(image.height))
        return RGBImage(width: w, height: h, pixels: Array(UnsafeBufferPointer(start: rgb, count: w * h * 3)))
    }

    /// Writes `pixels` (`width · height · channels` bytes: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA) as an
    /// 8-bit PNG — for tests of the decoder.
    package static func writePNG(_ pixels: [UInt8], width: Int, height: Int, channels: Int, to path: String) throws(ToolError) {
        precondition(pixels.count == width * height * channels && (1...4).contains(channels))
        var message = [CChar](repeating: 0, count: 512)
        let status = pixels.withUnsafeBufferPointer { p in
            message.withUnsafeMutableBufferPointer { m in
                gc_encode_png(path, p.baseAddress, Int32(width), Int32(height), Int32(channels), m.baseAddress, m.count)
            }
        }
        guard status == 0 else { throw .io("\(path): \(message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })") }
    }

    /// Writes the image as PNG (lossless) or JPEG (`quality` 1...100) — for tests and examples.
    package func write(to path: String, as kind: Kind, quality: Int = 95) throws(ToolError) {
        var message = [CChar](repeating: 0, count: 512)
        let status = pixels.withUnsafeBufferPointer { p in
            message.withUnsafeMutableBufferPointer { m in
                kind == .png ? gc_encode_png(path, p.baseAddress, Int32(width), Int32(height), 3, m.baseAddress, m.count)
                    : gc_encode_jpeg(path, p.baseAddress, Int32(width), Int32(height), Int32(quality), m.baseAddress, m.count)
            }
        }
        guard status == 0 else {
            throw .io("\(path): \(message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })")
        }
    }
}
