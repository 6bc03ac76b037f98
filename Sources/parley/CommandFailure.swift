/// A command that ran and failed (a damaged corpus, a read model that differs), as against one
/// given wrong arguments: printed as `Error: <description>` with exit status 1 and no usage text,
/// which `ValidationError` (status 64) adds.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
