/// Helpers for libpq connection strings (`postgresql://...` URIs and `key=value` lists).
public enum ConnectionString {
    /// The string with its secrets removed, fit for logs and error messages.
    ///
    /// Both forms are parsed by libpq itself and printed back as `key=value` pairs, less every
    /// option libpq marks secret (`password`, `sslpassword`), so a password in a URI's user-info, a
    /// `password=` keyword or a `?password=` query never survives.
    public static func redacted(_ conninfo: String) -> String {
        if hasAmbiguousUserInfo(conninfo) { return "(a connection URI whose user name or password needs percent-encoding)" }
        switch LibPQ.parseConninfo(conninfo) {
        case .success(let pairs):
            let shown = pairs.filter { !$0.secret }.map { "\($0.keyword)=\($0.value)" }
            return shown.isEmpty ? "(libpq defaults)" : shown.joined(separator: " ")
        case .failure:
            return "(unparseable connection string)"
        }
    }

    /// The same connection string as a keyword/value list, with `dbname` set to `database`.
    ///
    /// Every value is single-quoted with `\` and `'` escaped, so any value survives; the password,
    /// if any, is kept (the result is for connecting, not for printing).
    public static func replacingDatabase(in conninfo: String, with database: String) -> String? {
        setting("dbname", to: database, in: conninfo)
    }

    /// The same connection string as a keyword/value list, with `keyword` set to `value` (in place
    /// of any value it had), quoted as `replacingDatabase` quotes.
    public static func setting(_ keyword: String, to value: String, in conninfo: String) -> String? {
        guard case .success(let pairs) = LibPQ.parseConninfo(conninfo) else { return nil }
        var kept = pairs.filter { $0.keyword != keyword }
        kept.append((keyword: keyword, value: value, secret: false))
        return kept.map { "\($0.keyword)=\(quoted($0.value))" }.joined(separator: " ")
    }

    /// A value for a keyword/value list: single-quoted, with `\` and `'` escaped, so that spaces,
    /// quotes and backslashes stay one value.
    public static func quoted(_ value: String) -> String {
        "'" + value.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'"
    }

    /// Why libpq cannot parse `conninfo`, or nil when it can.
    ///
    /// libpq quotes the offending token; when the string holds a password that token might be it,
    /// so then only a generic reason is given.
    public static func parseProblem(_ conninfo: String) -> String? {
        if hasAmbiguousUserInfo(conninfo) {
            // `postgresql://host/db@x` reads as `postgresql://user:pa/ss@x`: which one is meant cannot be told.
            return "the connection URI's user name or password holds '@', '/', '?' or '#', or its database name holds '@': "
                + "percent-encode it (%40, %2F, %3F, %23)"
        }
        guard case .failure(let error) = LibPQ.parseConninfo(conninfo) else { return nil }
        if conninfo.contains("@") || conninfo.contains("password") {
            return "the connection string is not a valid libpq URI or keyword/value list"
        }
        return error.message.trimmingTrailingNewlines()
    }
}

extension ConnectionString {
    /// Whether a URI's user-info holds an unencoded `@`, `/`, `?` or `#`.
    ///
    /// libpq takes as user-info what comes before the first `@` met before any `/` (a `?` does not
    /// stop it), and the host runs to the next `:`, `/`, `?` or `,`. So such a URI parses, as
    /// another host, port or database, and that host (a piece of the password) would be printed
    /// back in every error.
    static func hasAmbiguousUserInfo(_ conninfo: String) -> Bool {
        guard conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://"),
            let scheme = conninfo.range(of: "://")
        else { return false }
        let rest = conninfo[scheme.upperBound...]
        // The last `@` before the query: what a user means as the end of the user-info.
        let beforeQuery = rest.prefix { $0 != "?" }
        if let at = beforeQuery.lastIndex(of: "@") {
            let userInfo = beforeQuery[..<at]
            if userInfo.contains("@") || userInfo.contains("/") || userInfo.contains("#") { return true }
        }
        // libpq's own reading: up to the first `/`, a `?` does not end it.
        let authority = rest.prefix { $0 != "/" }
        guard let at = authority.firstIndex(of: "@") else { return false }
        return authority[..<at].contains("?") || authority[..<at].contains("#") || authority[authority.index(after: at)...].contains("@")
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while let last = text.last, last.isNewline || last == "\t" || last == " " { text.removeLast() }
        return text
    }
}
