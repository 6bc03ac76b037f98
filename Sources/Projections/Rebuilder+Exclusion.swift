import EventSourcing
import Postgres

extension Rebuilder {
    /// The first key of the advisory lock a rebuild, a rollback or a drop holds on its projection
    /// ("prbd"); the second is the projection name's `hashtext`.
    static let lockClass: Int32 = 0x7072_6264

    /// Runs `body` holding the projection's rebuild lock on `admin`: one rebuild, rollback or
    /// drop of a projection at a time. Another one running is refused, naming its server process,
    /// rather than left to fail halfway on a schema the first one renamed.
    func exclusively<Result: Sendable>(_ admin: DatabaseSession, _ body: () async throws -> Result) async throws -> Result {
        let name = projection.name
        let (taken, holder) = try await admin.run { connection -> (Bool, Int32?) in
            let taken: Bool = try connection.query("SELECT pg_try_advisory_lock($1, hashtext($2)) AS taken", [Self.lockClass, name])[0]
                .decode("taken")
            guard !taken else { return (true, nil) }
            return (false, try connection.query(
                """
                SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
                AND classid = $1::int4::oid AND objid = hashtext($2)::oid
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, [Self.lockClass, name]
            ).first.map { try $0.decode("pid", as: Int32.self) })
        }
        guard taken else {
            throw Refusal(description: "another rebuild, rollback or drop of \(name) is running (server process "
                + "\(holder.map(String.init) ?? "unknown")); wait for it to end")
        }
        // Released whatever `body` did; a release that fails changes nothing `body` did (a lost
        // connection has released the lock with it), so it is not reported in its place.
        func release() async {
            _ = try? await admin.run { connection in try connection.execute("SELECT pg_advisory_unlock($1, hashtext($2))", [Self.lockClass, name]) }
        }
        let result: Result
        do {
            result = try await body()
        } catch {
            await release()
            throw error
        }
        await release()
        return result
    }

    /// Catches `new` up to the head of the log and swaps it in for `old`, holding `old`'s
    /// checkpoint from before the catch-up to the swap's commit; returns the events applied and
    /// what `check` returned.
    ///
    /// While the lock is held, `old`'s runner cannot apply another batch, so the new version is at
    /// least where the old one was when the swap commits: readers never see the read model go back
    /// in time (a reminder they saw `sent` shown `pending` again). Readers go on reading `old`
    /// meanwhile; only its runner waits, for one catch-up pass, which the passes before keep short.
    func swapCaughtUp<Checked: Sendable>(
        retiring old: Version, activating new: Version, runner: ProjectionRunner, strictFiles: Bool, admin: DatabaseSession,
        progress: (LogPosition) -> Void, check: @escaping @Sendable (Connection) throws -> Checked
    ) async throws -> (applied: Int, checked: Checked) {
        let name = projection.name
        do {
            // Inside the `do`: a lock that times out or is cancelled leaves an aborted transaction
            // to roll back, or the rebuild lock's release would fail in it.
            try await admin.run { connection in
                try connection.begin()
                try connection.execute(
                    "SELECT 1 FROM parley.projection_checkpoints WHERE projection = $1 AND version = $2 FOR UPDATE", [name, old.version])
            }
            let applied = try await runner.catchUp(batchSize: Self.batchSize, progress: progress)
            let checked = try await admin.run { connection in
                var checked: Checked?
                try swapInTransaction(retiring: old, activating: new, strictFiles: strictFiles, connection: connection) { checked = try check($0) }
                try connection.commit()
                return checked!
            }
            return (applied, checked)
        } catch {
            _ = try? await admin.run { connection in connection.rollBackIfOpen() }
            throw error
        }
    }
}
