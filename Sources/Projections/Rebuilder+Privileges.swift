import Postgres

extension Rebuilder {
    /// Gives the schema `to` the privileges of the schema `from`: the schema itself, its tables,
    /// views and sequences, their columns, and its functions, to each role (or PUBLIC) as granted,
    /// with the grant option where it was given; and takes away what `to` had that `from` has not.
    ///
    /// Migrations grant nothing to the roles that read a read model (a deployment does), and a
    /// version built from them has only its owner's privileges: without this, a swap would leave
    /// those readers with `permission denied` until someone granted again. A rollback brings back
    /// a version that kept the grants of its time: those revoked since are revoked on it too.
    /// Functions are matched by name and argument types, a type of the schema itself by its name
    /// (each version has its own `reminder_status`); a function's default `EXECUTE` for PUBLIC
    /// counts as a grant, so one revoked from PUBLIC stays revoked. Objects `to` does not have
    /// are skipped; the owners' own privileges, and schema default privileges
    /// (`ALTER DEFAULT PRIVILEGES ... IN SCHEMA`), are not copied.
    func copyPrivileges(from: String, to: String, connection: Connection) throws {
        let target = ProjectionRunner.quoted(to)
        let revokes = try connection.query(
            """
            SELECT DISTINCT object, columns, CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(grantee)) END AS grantee
            FROM (
                SELECT 'SCHEMA ' || $2::text AS object, NULL::text AS columns, a.grantee
                FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = $1 AND a.grantee <> n.nspowner
              UNION ALL
                SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || $2 || '.' || quote_ident(c.relname), NULL, a.grantee
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
                WHERE n.nspname = $1 AND a.grantee <> c.relowner
              UNION ALL
                SELECT 'TABLE ' || $2 || '.' || quote_ident(c.relname), quote_ident(att.attname), a.grantee
                FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
                     aclexplode(att.attacl) a
                WHERE n.nspname = $1 AND a.grantee <> c.relowner
              UNION ALL
                SELECT 'FUNCTION ' || p.oid::regprocedure::text, NULL, a.grantee
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                WHERE n.nspname = $1 AND a.grantee <> p.proowner
            ) held
            ORDER BY object, columns NULLS FIRST, grantee
            """, [to, target])
        for revoke in revokes {
            let columns = try revoke.decodeIfPresent("columns", as: String.self)
            try connection.execute(
                "REVOKE ALL\(columns.map { " (\($0))" } ?? "") ON \(try revoke.decode("object", as: String.self)) "
                    + "FROM \(try revoke.decode("grantee", as: String.self)) CASCADE")
        }
        let grants = try connection.query(
            """
            WITH granted AS (
                SELECT 'SCHEMA ' || $2::text AS object, NULL::text AS columns, a.*
                FROM pg_namespace n, aclexplode(n.nspacl) a
                WHERE n.nspname = $1 AND a.grantee <> n.nspowner
              UNION ALL
                SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || $2 || '.' || quote_ident(c.relname), NULL, a.*
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
                WHERE n.nspname = $1 AND a.grantee <> c.relowner
                  AND EXISTS (SELECT 1 FROM pg_class t JOIN pg_namespace tn ON tn.oid = t.relnamespace
                              WHERE tn.nspname = $3 AND t.relname = c.relname AND t.relkind = c.relkind)
              UNION ALL
                SELECT 'TABLE ' || $2 || '.' || quote_ident(c.relname), quote_ident(att.attname), a.*
                FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
                     aclexplode(att.attacl) a
                WHERE n.nspname = $1 AND a.grantee <> c.relowner
                  AND EXISTS (SELECT 1 FROM pg_attribute ta JOIN pg_class t ON t.oid = ta.attrelid
                              JOIN pg_namespace tn ON tn.oid = t.relnamespace
                              WHERE tn.nspname = $3 AND t.relname = c.relname AND ta.attname = att.attname AND NOT ta.attisdropped)
              UNION ALL
                SELECT 'FUNCTION ' || t.oid::regprocedure::text, NULL, a.*
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a,
                     pg_proc t JOIN pg_namespace tn ON tn.oid = t.pronamespace
                WHERE n.nspname = $1 AND a.grantee <> p.proowner
                  AND tn.nspname = $3 AND t.proname = p.proname
                  AND \(Self.signature("p", "n")) IS NOT DISTINCT FROM \(Self.signature("t", "tn"))
            )
            SELECT object, columns, privilege_type, is_grantable,
                   CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(grantee)) END AS grantee
            FROM granted ORDER BY object, columns NULLS FIRST, grantee, privilege_type
            """, [from, target, to])
        for grant in grants {
            let object: String = try grant.decode("object")
            let columns = try grant.decodeIfPresent("columns", as: String.self)
            let privilege: String = try grant.decode("privilege_type")
            let grantee: String = try grant.decode("grantee")
            let option: Bool = try grant.decode("is_grantable")
            try connection.execute(
                "GRANT \(privilege)\(columns.map { " (\($0))" } ?? "") ON \(object) TO \(grantee)\(option ? " WITH GRANT OPTION" : "")")
        }
    }

    /// SQL for the argument types of function `proc` in schema `namespace` (both aliases), with a
    /// type of that schema named by its name rather than its oid: equal for the same function in
    /// two versions of a schema.
    private static func signature(_ proc: String, _ namespace: String) -> String {
        """
        (SELECT array_agg(CASE WHEN ty.typnamespace = \(namespace).oid THEN 'self.' || ty.typname ELSE ty.oid::text END ORDER BY x.ordinal)
         FROM unnest(\(proc).proargtypes::oid[]) WITH ORDINALITY AS x(type, ordinal) JOIN pg_type ty ON ty.oid = x.type)
        """
    }
}
