import Postgres
import Testing

@Suite struct ConstraintTests {
    @Test(arguments: ConstraintCase.wingman) func wingman(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.nirva) func nirva(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.groupchat) func groupchat(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.migue) func migue(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.migueEnums) func migueEnums(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.companion) func companion(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.parley + ConstraintCase.parleyChecks) func parley(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ConstraintCase.foreignKeys) func foreignKeys(_ rule: ConstraintCase) throws { try rule.check() }
    @Test(arguments: ForeignKeyActionCase.all) func foreignKeyActions(_ rule: ForeignKeyActionCase) throws { try rule.run() }
}
