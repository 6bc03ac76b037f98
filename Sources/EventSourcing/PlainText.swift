/// Text from the log or a command shown in a line of a text report.
public enum PlainText {
    /// `text` as it is, or quoted as a JSON string when it holds a control character (a newline,
    /// a carriage return, an escape), which would forge a line of the report or drive the terminal.
    public static func shown(_ text: String) -> String {
        text.holdsControlCharacter ? JSONValue.string(text).encoded : text
    }
}
