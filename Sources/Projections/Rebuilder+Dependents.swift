import Foundation
import Postgres

extension Rebuilder {
    /// The objects outside `schema` that depend on objects inside it, as `type identity` (e.g.
    /// `view public.active_users`, `table constraint orders_user_fkey on public.orders`), sorted.
    ///
    /// Such an object refers to the tables by identity, not by name: after a swap it would go on
    /// reading the retired version, and dropping that version's schema would drop it too. Views,
    /// materialized views, constraints, triggers, defaults, policies, functions with a SQL body
    /// and types are found; an object in a catalog not listed here (a publication) is not.
    static func dependentsOutside(_ schema: String, connection: Connection) throws -> [String] {
        try connection.query(
            """
            WITH ours AS (SELECT oid FROM pg_namespace WHERE nspname = $1),
            referenced AS (
                SELECT 'pg_class'::regclass AS classid, c.oid FROM pg_class c, ours WHERE c.relnamespace = ours.oid
                UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t, ours WHERE t.typnamespace = ours.oid
                UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p, ours WHERE p.pronamespace = ours.oid
            ),
            dependents AS (
                SELECT DISTINCT
                    CASE WHEN d.classid = 'pg_rewrite'::regclass THEN 'pg_class'::regclass ELSE d.classid END AS classid,
                    CASE WHEN d.classid = 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite WHERE oid = d.objid) ELSE d.objid END AS objid,
                    CASE d.classid
                        WHEN 'pg_rewrite'::regclass THEN (SELECT c.relnamespace FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class WHERE w.oid = d.objid)
                        WHEN 'pg_constraint'::regclass THEN (
                            SELECT coalesce(c.relnamespace, t.typnamespace) FROM pg_constraint k
                            LEFT JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_type t ON t.oid = k.contypid WHERE k.oid = d.objid)
                        WHEN 'pg_trigger'::regclass THEN (SELECT c.relnamespace FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.oid = d.objid)
                        WHEN 'pg_attrdef'::regclass THEN (SELECT c.relnamespace FROM pg_attrdef a JOIN pg_class c ON c.oid = a.adrelid WHERE a.oid = d.objid)
                        WHEN 'pg_policy'::regclass THEN (SELECT c.relnamespace FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE p.oid = d.objid)
                        WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objid)
                        WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objid)
                        WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.objid)
                    END AS namespace
                FROM pg_depend d JOIN referenced r ON d.refclassid = r.classid AND d.refobjid = r.oid
                WHERE d.deptype IN ('n', 'a')
            )
            SELECT DISTINCT o.type || ' ' || o.identity AS object
            FROM dependents, ours, pg_identify_object(dependents.classid, dependents.objid, 0) o
            WHERE dependents.namespace IS NOT NULL AND dependents.namespace <> ours.oid
            ORDER BY 1
            """, [schema]
        ).map { try $0.decode("object") }
    }

    /// Refuses `action` while objects outside `schema` depend on it; `consequence` says what would
    /// become of them.
    func refuseDependents(of schema: String, action: String, consequence: String, connection: Connection) throws {
        let dependents = try Self.dependentsOutside(schema, connection: connection)
        guard !dependents.isEmpty else { return }
        let one = dependents.count == 1
        throw Refusal(
            description: "\(action) refused: \(dependents.joined(separator: ", ")) outside schema \(schema) depend\(one ? "s" : "") on it "
                + "and \(consequence); drop \(one ? "it" : "them") first (and create \(one ? "it" : "them") again after)")
    }
}
