import GlobalConv

/// The evaluation transform of an official model, applied to a decoded image: resize the shorter side
/// to ``resize`` (bicubic, as Pillow's `Image.resize` — what torchvision's `Resize` calls on the PIL
/// images the official `ImageFolder` loaders produce), centre-crop ``crop`` × ``crop`` (torchvision's
/// `CenterCrop` offsets: `int(round((H − crop) / 2))`, round half to even), then `ToTensor` (÷ 255) and
/// `Normalize(mean, std)` in the model's precision.
///
/// Per family (the official evaluation scripts; Docs/cli.md "run"):
/// - `convnext`, `convnextv2`, `replknet`, `slak`, `parc_convnext` (ConvNeXt's `build_transform`: `crop_pct` 224/256):
///   resize `int(crop / 0.875)` = 256 → crop 224;
/// - `gfnet`, `gfnet_h` (DeiT's `build_transform` in `main_gfnet.py`): resize `int(256/224 · img_size)` → crop `img_size`;
/// - `van` (timm `validate.py` with the model's `_cfg()`: `crop_pct` 0.9) and `moganet` (its README's
///   `--crop_pct 0.9`): resize `⌊crop / 0.9⌋` = 248 → crop 224 (`moganet_tiny_sz256`: 284 → 256);
/// - mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225) for every family.
package struct Preprocessing: Sendable, Equatable, Codable {
    /// The shorter side after resizing.
    package var resize: Int
    /// The side of the square centre crop.
    package var crop: Int
    package var mean: [Double]
    package var std: [Double]

    package static let imagenetMean = [0.485, 0.456, 0.406]
    package static let imagenetStd = [0.229, 0.224, 0.225]

    package init(resize: Int, crop: Int, mean: [Double] = Preprocessing.imagenetMean, std: [Double] = Preprocessing.imagenetStd) {
        (self.resize, self.crop, self.mean, self.std) = (resize, crop, mean, std)
    }

    /// The transform of `family` (a registry id) for `preset` (an official name, if known) and the
    /// model's `imgSize` (GFNet's `img_size`, if it has one).
    package static func forModel(family: String, preset: String?, imgSize: Int?) -> Preprocessing {
        switch family {
        case "gfnet", "gfnet_h":
            let crop = imgSize ?? 224
            return Preprocessing(resize: Int(256.0 / 224.0 * Double(crop)), crop: crop)
        case "van", "moganet":
            let crop = preset?.lowercased().hasSuffix("sz256") == true ? 256 : 224
            return Preprocessing(resize: Int((Double(crop) / 0.9).rounded(.down)), crop: crop)
        default:
            return Preprocessing(resize: Int(Double(224) / 0.875), crop: 224)
        }
    }

    /// torchvision's `Resize(size)` output for a `width × height` image: the shorter side becomes `size`,
    /// the longer `int(size · long / short)`.
    package static func resizedSize(width: Int, height: Int, shorter size: Int) -> (width: Int, height: Int) {
        if width <= height {
            return (size, Int(Double(size) * Double(height) / Double(width)))
        }
        return (Int(Double(size) * Double(width) / Double(height)), size)
    }

    /// torchvision's `CenterCrop` offset along a side of `length` for a crop of `crop`.
    package static func cropOffset(length: Int, crop: Int) -> Int {
        Int((Double(length - crop) / 2).rounded(.toNearestOrEven))
    }

    /// The normalised `[1, 3, crop, crop]` tensor of `image`.
    /// - Throws: ``ToolError/invalidValue(_:)`` when the resized image is smaller than the crop.
    package func apply<S: TensorScalar>(_ image: RGBImage, as _: S.Type = S.self) throws(ToolError) -> Tensor<S> {
        guard resize >= 1, crop >= 1 else { throw .invalidValue("resize and crop sizes must be ≥ 1") }
        let (w, h) = Self.resizedSize(width: image.width, height: image.height, shorter: resize)
        guard w >= crop, h >= crop else {
            throw .invalidValue("the image resized to \(w)×\(h) is smaller than the \(crop)×\(crop) crop")
        }
        let resized = BicubicResize.resample8(image.pixels, width: image.width, height: image.height, channels: 3,
                                              outWidth: w, outHeight: h)
        let (top, left) = (Self.cropOffset(length: h, crop: crop), Self.cropOffset(length: w, crop: crop))
        var scalars = [S](repeating: 0, count: 3 * crop * crop)
        for c in 0..<3 {
            let (m, s) = (S(mean[c]), S(std[c]))
            for y in 0..<crop {
                for x in 0..<crop {
                    let v = S(Int(resized[((top + y) * w + left + x) * 3 + c])) / S(255)
                    scalars[(c * crop + y) * crop + x] = (v - m) / s
                }
            }
        }
        return Tensor(shape: [1, 3, crop, crop], scalars: scalars)
    }
}

/// Pillow's bicubic resampling (`Image.resize(…, BICUBIC)`, `libImaging/Resample.c`): separable, the
/// cubic convolution kernel with a = −0.5 and support 2, widened by the scale when shrinking
/// (antialiasing), each output's weights normalised to sum 1; the horizontal pass first. A side whose
/// size does not change is not resampled.
package enum BicubicResize {
    /// The kernel: `(a+2)|x|³ − (a+3)|x|² + 1` for `|x| < 1`, `a|x|³ − 5a|x|² + 8a|x| − 4a` for `|x| < 2`.
    package static func kernel(_ x: Double) -> Double {
        let a = -0.5
        let x = abs(x)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// For each output index along a side, the first source index and the normalised weights
    /// (Pillow's `precompute_coeffs`).
    package static func weights(inSize: Int, outSize: Int) -> [(start: Int, weights: [Double])] {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = 2 * filterScale
        return (0..<outSize).map { xx in
            let center = (Double(xx) + 0.5) * scale
            let xmin = max(Int(center - support + 0.5), 0)
            let xmax = min(Int(center + support + 0.5), inSize)
            var w = (xmin..<max(xmin, xmax)).map { kernel((Double($0) - center + 0.5) / filterScale) }
            let total = w.reduce(0, +)
            if total != 0 { w = w.map { $0 / total } }
            return (xmin, w)
        }
    }

    /// Float64 resampling without rounding (the definition the 8-bit version approximates); `plane` is
    /// `height · width · channels` interleaved.
    package static func resample(_ plane: [Double], width: Int, height: Int, channels: Int, outWidth: Int, outHeight: Int) -> [Double] {
        var current = plane
        var w = width
        if outWidth != width {
            let k = weights(inSize: width, outSize: outWidth)
            var next = [Double](repeating: 0, count: height * outWidth * channels)
            for y in 0..<height {
                for x in 0..<outWidth {
                    for c in 0..<channels {
                        var s = 0.0
                        for (j, wt) in k[x].weights.enumerated() { s += wt * current[(y * w + k[x].start + j) * channels + c] }
                        next[(y * outWidth + x) * channels + c] = s
                    }
                }
            }
            (current, w) = (next, outWidth)
        }
        if outHeight != height {
            let k = weights(inSize: height, outSize: outHeight)
            var next = [Double](repeating: 0, count: outHeight * w * channels)
            for y in 0..<outHeight {
                for x in 0..<w {
                    for c in 0..<channels {
                        var s = 0.0
                        for (j, wt) in k[y].weights.enumerated() { s += wt * current[((k[y].start + j) * w + x) * channels + c] }
                        next[(y * w + x) * channels + c] = s
                    }
                }
            }
            current = next
        }
        return current
    }

    static let precisionBits = 22

    /// Pillow's 8-bit resampling: weights as fixed-point integers (22 fraction bits, rounded away from
    /// zero), integer sums started at one half, shifted back and clamped to 0...255 after each pass.
    package static func resample8(_ plane: [UInt8], width: Int, height: Int, channels: Int, outWidth: Int, outHeight: Int) -> [UInt8] {
        func fixed(_ k: [(start: Int, weights: [Double])]) -> [(start: Int, weights: [Int])] {
            let one = Double(1 << precisionBits)
            return k.map { ($0.start, $0.weights.map { $0 < 0 ? Int(-0.5 + $0 * one) : Int(0.5 + $0 * one) }) }
        }
        func clip8(_ v: Int) -> UInt8 {
            if v >= (1 << precisionBits) << 8 { return 255 }
            if v <= 0 { return 0 }
            return UInt8(v >> precisionBits)
        }
        var current = plane
        var w = width
        let half = 1 << (precisionBits - 1)
        if outWidth != width {
            let k = fixed(weights(inSize: width, outSize: outWidth))
            var next = [UInt8](repeating: 0, count: height * outWidth * channels)
            for y in 0..<height {
                for x in 0..<outWidth {
                    for c in 0..<channels {
                        var s = half
                        for (j, wt) in k[x].weights.enumerated() { s += wt * Int(current[(y * w + k[x].start + j) * channels + c]) }
                        next[(y * outWidth + x) * channels + c] = clip8(s)
                    }
                }
            }
            (current, w) = (next, outWidth)
        }
        if outHeight != height {
            let k = fixed(weights(inSize: height, outSize: outHeight))
            var next = [UInt8](repeating: 0, count: outHeight * w * channels)
            for y in 0..<outHeight {
                for x in 0..<w {
                    for c in 0..<channels {
                        var s = half
                        for (j, wt) in k[y].weights.enumerated() { s += wt * Int(current[((k[y].start + j) * w + x) * channels + c]) }
                        next[(y * w + x) * channels + c] = clip8(s)
                    }
                }
            }
            current = next
        }
        return current
    }
}
