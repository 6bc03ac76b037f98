import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Migue

/// `parley audit`: state transitions, read from the events that carry both states.
///
/// Only the categories whose aggregates have states are read (`MigueTransitions.categories`), each
/// through the category index, and every event of them through the product's decoder.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List state transitions: when, which aggregate, from which state to which, which command and actor, position."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Product (e.g. migue); all when omitted.")
    var product: String?

    @Option(help: "Aggregate type, e.g. reminder (the stream category is <product>.<aggregate>).")
    var aggregate: String?

    @Option(help: "Only this aggregate id.")
    var id: String?

    @Option(help: "From this RFC 3339 time (inclusive).")
    var since: String?

    @Option(help: "Until this RFC 3339 time (inclusive).")
    var until: String?

    func validate() throws {
        if aggregate != nil && product == nil { throw ValidationError("--aggregate needs a product, e.g. parley audit migue --aggregate reminder") }
        if let product { try Arguments.checkProduct(product, aggregate: aggregate) }
        if let product, let aggregate, !MigueTransitions.categories.contains("\(product).\(aggregate)") {
            let moving = MigueTransitions.categories.filter { $0.hasPrefix(product + ".") }.map { $0.dropFirst(product.count + 1) }
            throw ValidationError("\(product).\(aggregate) has no states to move between (those that do: \(moving.joined(separator: ", ")))")
        }
        let from = try since.map { try TimeOption.parse($0, option: "--since") }
        let to = try until.map { try TimeOption.parse($0, option: "--until") }
        if let from, let to, from > to {
            throw ValidationError("--since \(since ?? "") is later than --until \(until ?? ""): no transition could match")
        }
    }

    func run() async throws {
        let id = id.map(Arguments.aggregateID)
        let filter = Transition.Filter(
            categoryPrefix: aggregate.map { "\(product ?? "").\($0)" } ?? product.map { $0 + "." } ?? "",
            id: id, since: try since.map { try TimeOption.parse($0, option: "--since") }, until: try until.map { try TimeOption.parse($0, option: "--until") })
        let log = try LogAccess.openForReading(options)
        let categories = log.categories().filter { category in
            MigueTransitions.categories.contains(category)
                && (aggregate == nil ? category.hasPrefix(filter.categoryPrefix) : category == filter.categoryPrefix)
        }
        var transitions: [Transition] = []
        var idFound = false
        for category in categories {
            if let id {
                guard let stream = StreamName(category: category, id: id) else { continue }
                let events = try await log.read(stream: stream, from: 0, direction: .forwards, limit: .max)
                idFound = idFound || !events.isEmpty
                transitions += try Self.transitions(in: events, filter)
                continue
            }
            var position = LogPosition.start
            while true {
                let page = try await log.readCategory(category, from: position, limit: 4096)
                guard let last = page.last else { break }
                transitions += try Self.transitions(in: page, filter)
                position = last.position.next
            }
        }
        if let id, !idFound {
            let searched = categories.isEmpty ? "(the log has no stream to search)" : categories.joined(separator: ", ")
            throw CommandFailure("no aggregate \(PlainText.shown(id)) in \(searched)")
        }
        transitions.sort { $0.position < $1.position }
        if options.json {
            transitions.forEach { JSONLines.print($0) }
            return
        }
        for transition in transitions {
            print("\(transition.at)  \(PlainText.shown("\(transition.category)-\(transition.id)"))  "
                + "\(PlainText.shown(transition.from)) -> \(PlainText.shown(transition.to))  "
                + "\(PlainText.shown(transition.eventType))  by \(PlainText.shown(transition.actor))  "
                + "command \(transition.command.map { $0.lowercasedText } ?? "-")  position \(transition.position)")
        }
        if transitions.isEmpty { print("no transitions") }
    }

    /// The transitions among `events` that `filter` admits; an event the product cannot read
    /// stops the audit, naming its position.
    private static func transitions(in events: [RecordedEvent], _ filter: Transition.Filter) throws(CommandFailure) -> [Transition] {
        var transitions: [Transition] = []
        for event in events where filter.admits(event) {
            do {
                if let transition = try event.decoded(by: MigueTransitions.transition(of:)) { transitions.append(transition) }
            } catch {
                throw CommandFailure("\(error)")
            }
        }
        return transitions
    }
}

/// Parsing of time options.
enum TimeOption {
    static func parse(_ text: String, option: String) throws -> Timestamp {
        guard let time = Timestamp(rfc3339: text) else {
            throw ValidationError("\(option) \(text): expected an RFC 3339 time such as 2026-11-22T10:15:30Z (to the microsecond at most: 6 fraction digits)")
        }
        return time
    }
}
