/// The version of the GlobalConv package: one constant for the library, `globalconv --version` and
/// the README.
public enum GlobalConvVersion {
    /// `major.minor.patch`, e.g. `"0.4.0"`.
    public static let string = "0.4.0"
}
