import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct UserTests {
    typealias F = Fixture
    static let user = F.userID
    static let first = User.ActiveClaim(conversationID: F.id("c1"), activationID: F.id("a1"))
    static let second = User.ActiveClaim(conversationID: F.id("c2"), activationID: F.id("a2"))

    @Test func registersAUserUnderTheIdOfItsPhoneNumber() {
        given(User.self).when(.register(User.Register(phoneNumber: F.phone, name: "Ana", preferences: .object(["lang": "es"]), at: F.t0)))
            .then([.registered(User.Registered(
                userID: Self.user, phoneNumber: F.phone, name: "Ana", preferences: .object(["lang": "es"]), registeredAt: F.t0))])
    }

    @Test(arguments: ["+12345678", "+123456789012345"])
    func acceptsE164AtBothLengthLimits(phone: String) {
        given(User.self).when(.register(User.Register(phoneNumber: phone, at: F.t0))).then([F.registered(phone)])
    }

    @Test(arguments: ["", "573001234567", "+0573001234567", "+1234567", "+1234567890123456", "+57 300 123", "+57300abc4567",
                      "+５７３００１２３４５６７", "++573001234567"])
    func rejectsPhoneNumbersThatAreNotE164(phone: String) {
        given(User.self).when(.register(User.Register(phoneNumber: phone, at: F.t0))).thenRejects(.invalidPhoneNumber(phone))
    }

    @Test func aPhoneNumberRegistersOnce() {
        given(User.self, F.registered()).when(.register(User.Register(phoneNumber: F.phone, name: "Other", at: F.time(1))))
            .thenRejects(.alreadyRegistered(Self.user))
    }

    @Test func changesTheProfileAndRecordsTheResult() {
        given(User.self, F.registered(name: "Ana"))
            .when(.updateProfile(User.UpdateProfile(userID: Self.user, preferences: .some(.object(["tz": "UTC"])), at: F.time(5))))
            .then([.profileChanged(User.ProfileChanged(
                userID: Self.user, name: "Ana", preferences: .object(["tz": "UTC"]), changedAt: F.time(5)))])
    }

    @Test func clearsAName() {
        given(User.self, F.registered(name: "Ana"))
            .when(.updateProfile(User.UpdateProfile(userID: Self.user, name: .some(nil), at: F.time(5))))
            .then([.profileChanged(User.ProfileChanged(userID: Self.user, name: nil, preferences: nil, changedAt: F.time(5)))])
    }

    @Test func aProfileAlreadySoRecordsNothing() {
        given(User.self, F.registered(name: "Ana"))
            .when(.updateProfile(User.UpdateProfile(userID: Self.user, name: "Ana", at: F.time(5)))).then([])
    }

    /// Swift's `==` finds the two spellings of é equal; the table keeps bytes, so the new spelling
    /// is a change, in the name and inside the preferences.
    @Test func anotherSpellingOfTheSameTextIsAChange() throws {
        let composed = "Jos\u{E9}", decomposed = "Jose\u{301}"
        let state = User.evolve(User.initial, F.registered(name: composed))
        let renamed = try User.decide(.updateProfile(User.UpdateProfile(userID: Self.user, name: .some(decomposed), at: F.time(5))), state)
        #expect(renamed.count == 1)
        guard case .profileChanged(let changed)? = renamed.first else { Issue.record("not a profile change: \(renamed)"); return }
        #expect(changed.name.map { Array($0.utf8) } == Array(decomposed.utf8))

        var withPreferences = state
        withPreferences = User.evolve(withPreferences, .profileChanged(User.ProfileChanged(
            userID: Self.user, name: composed, preferences: .object(["city": .string(composed)]), changedAt: F.time(6))))
        let moved = try User.decide(.updateProfile(User.UpdateProfile(
            userID: Self.user, preferences: .some(.object(["city": .string(decomposed)])), at: F.time(7))), withPreferences)
        #expect(moved.count == 1)
        #expect(try User.decide(.updateProfile(User.UpdateProfile(userID: Self.user, name: .some(composed), at: F.time(8))), state) == [])
    }

    @Test func onlyARegisteredUserHasAProfile() {
        given(User.self).when(.updateProfile(User.UpdateProfile(userID: Self.user, name: "Ana", at: F.t0)))
            .thenRejects(.notRegistered(Self.user))
    }

    @Test func claimsAFreeActiveSlot() {
        given(User.self, F.registered())
            .when(.claimActiveConversation(userID: Self.user, claim: Self.first, holderEnded: false, at: F.time(1)))
            .then([.activeConversationClaimed(User.ClaimChanged(userID: Self.user, claim: Self.first, replaced: nil, at: F.time(1)))])
    }

    @Test func claimingAgainWithTheSameActivationRecordsNothing() {
        given(User.self, F.registered(), .activeConversationClaimed(User.ClaimChanged(userID: Self.user, claim: Self.first, at: F.t0)))
            .when(.claimActiveConversation(userID: Self.user, claim: Self.first, holderEnded: false, at: F.time(1))).then([])
    }

    @Test func aHeldSlotRefusesAnotherConversation() {
        given(User.self, F.registered(), .activeConversationClaimed(User.ClaimChanged(userID: Self.user, claim: Self.first, at: F.t0)))
            .when(.claimActiveConversation(userID: Self.user, claim: Self.second, holderEnded: false, at: F.time(1)))
            .thenRejects(.anotherConversationActive(user: Self.user, conversation: Self.first.conversationID))
    }

    @Test func aSlotWhoseActivationEndedIsTakenOver() {
        given(User.self, F.registered(), .activeConversationClaimed(User.ClaimChanged(userID: Self.user, claim: Self.first, at: F.t0)))
            .when(.claimActiveConversation(userID: Self.user, claim: Self.second, holderEnded: true, at: F.time(1)))
            .then([.activeConversationClaimed(User.ClaimChanged(
                userID: Self.user, claim: Self.second, replaced: Self.first, at: F.time(1)))])
    }

    @Test func anUnregisteredUserHasNoSlot() {
        given(User.self).when(.claimActiveConversation(userID: Self.user, claim: Self.first, holderEnded: false, at: F.t0))
            .thenRejects(.notRegistered(Self.user))
    }

    @Test func releasesOnlyTheClaimHoldingTheSlot() {
        let held = given(User.self, F.registered(), .activeConversationClaimed(User.ClaimChanged(userID: Self.user, claim: Self.first, at: F.t0)))
        held.when(.releaseActiveConversation(userID: Self.user, claim: Self.first, at: F.time(2)))
            .then([.activeConversationReleased(User.ClaimChanged(userID: Self.user, claim: Self.first, at: F.time(2)))])
        held.when(.releaseActiveConversation(userID: Self.user, claim: Self.second, at: F.time(2))).then([])
    }

    @Test func rejectionsReadWell() {
        #expect(User.Rejection.invalidPhoneNumber("+1").description
            == "phone_number is not E.164 (a + and 8 to 15 digits, the first not 0)")
        // Handled as a command, the rejection names its field as the parsing's rejections do.
        #expect(CommandRejection(User.Rejection.invalidPhoneNumber("+1")).description
            == "data.phone_number: is not E.164 (a + and 8 to 15 digits, the first not 0)")
        #expect(CommandRejection(User.Rejection.invalidPhoneNumber("+1")).field == "data.phone_number")
        #expect(CommandRejection(User.Rejection.alreadyRegistered(F.userID)).field == nil)
        #expect(User.Rejection.anotherConversationActive(user: Self.user, conversation: Self.first.conversationID).description
            == "user \(Self.user.uuidString.lowercased().prefix(8))...: conversation "
            + "\(Self.first.conversationID.uuidString.lowercased().prefix(8))... is already active")
    }
}
