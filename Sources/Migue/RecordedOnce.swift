/// A decider whose stream holds one event, recorded once and never changed (a message, a location).
///
/// Its state is needed again only when the same record is submitted again, which reads it from the
/// log, so the service does not keep it in the state cache, where it would push out the states of
/// users and conversations that the next commands need.
protocol RecordedOnce {}

extension Message: RecordedOnce {}
extension Interaction: RecordedOnce {}
extension Location: RecordedOnce {}
extension Memory: RecordedOnce {}
extension AIUsage: RecordedOnce {}
