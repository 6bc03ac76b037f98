import Foundation
import Projections

/// The folder of what the tools install and of parley's default paths: `$PARLEY_HOME` (as in
/// `tools/setup` and `tools/pg`), else `.parley` in the working folder.
///
/// The defaults of `--log`, `--corpus` and the benchmarks' `--directory` live in it, so a
/// `PARLEY_HOME` set for the embedded server (root in `/root` must set one) moves them too.
enum ParleyHome {
    static var path: String { DatabaseLocation.defaultHome() }

    /// The folder `tools/setup` installs the dialog corpus into: `PARLEY_CORPUS`, else `<home>/corpus`.
    static var corpus: String {
        if let corpus = ProcessInfo.processInfo.environment["PARLEY_CORPUS"], !corpus.isEmpty { return corpus }
        return path + "/corpus"
    }
}
