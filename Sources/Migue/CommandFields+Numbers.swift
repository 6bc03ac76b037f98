import EventSourcing
import Foundation

/// The numbers, flags and vectors of migue's commands.
extension CommandFields {
    /// A JSON number as a `Double`.
    mutating func optionalNumber(_ key: String) throws(CommandRejection) -> Double? {
        guard let value = optionalJSON(key) else { return nil }
        switch value {
        case .integer(let number): return Double(number)
        case .double(let number): return number
        default: throw CommandRejection(field: field(key), "expected a number, found \(value.kind)")
        }
    }

    mutating func number(_ key: String) throws(CommandRejection) -> Double {
        guard let value = try optionalNumber(key) else { throw CommandRejection(field: field(key), "is required") }
        return value
    }

    /// A whole number that PostgreSQL's `INT` holds (-2147483648 to 2147483647).
    mutating func optionalInt32(_ key: String) throws(CommandRejection) -> Int32? {
        guard let value = optionalJSON(key) else { return nil }
        let number: Int64
        // A double is judged as `JSONValue.number` makes it: `30.0` is the integer 30.
        let canonical = if case .double(let other) = value { JSONValue.number(other) } else { value }
        switch canonical {
        case .integer(let whole): number = whole
        case .double(let other) where other.rounded() != other:
            throw CommandRejection(field: field(key), "expected a whole number, found \(other)")
        case .double(let other): throw CommandRejection(field: field(key), "\(other) does not fit an INT column")
        case let other: throw CommandRejection(field: field(key), "expected a whole number, found \(other.kind)")
        }
        guard let small = Int32(exactly: number) else {
            throw CommandRejection(field: field(key), "\(number) does not fit an INT column")
        }
        return small
    }

    mutating func optionalBool(_ key: String) throws(CommandRejection) -> Bool? {
        guard let value = optionalJSON(key) else { return nil }
        guard case .bool(let flag) = value else {
            throw CommandRejection(field: field(key), "expected a boolean, found \(value.kind)")
        }
        return flag
    }

    /// A number in its exact decimal form, for a `numeric` column (the deciders check its precision).
    mutating func optionalDecimal(_ key: String) throws(CommandRejection) -> DecimalText? {
        // A JSON number is always finite, so it always has a decimal form.
        try optionalNumber(key).flatMap(DecimalText.init)
    }

    mutating func decimal(_ key: String) throws(CommandRejection) -> DecimalText {
        guard let value = try optionalDecimal(key) else { throw CommandRejection(field: field(key), "is required") }
        return value
    }

    /// An array of numbers, each as a `Double`.
    mutating func optionalNumbers(_ key: String) throws(CommandRejection) -> [Double]? {
        guard let value = optionalJSON(key) else { return nil }
        guard case .array(let elements) = value else {
            throw CommandRejection(field: field(key), "expected an array of numbers, found \(value.kind)")
        }
        var numbers: [Double] = []
        numbers.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            switch element {
            case .integer(let number): numbers.append(Double(number))
            case .double(let number): numbers.append(number)
            default: throw CommandRejection(field: "\(field(key))[\(index)]", "expected a number, found \(element.kind)")
            }
        }
        return numbers
    }
}

extension CommandFields {
    /// Any JSON value (not `null`) that PostgreSQL's jsonb can store.
    mutating func document(_ key: String) throws(CommandRejection) -> JSONValue {
        guard let value = try optionalDocument(key) else { throw CommandRejection(field: field(key), "is required") }
        return value
    }
}
