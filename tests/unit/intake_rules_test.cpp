// The rules of SPEC §3.1 as pure functions: create, update, identical repeat, stale,
// cancel (whole or one occurrence), reinstate, reject.
#include <gtest/gtest.h>

#include "itip/intake_rules.hpp"

namespace cis::itip {
namespace {

constexpr std::int64_t kNow = 1'900'000'000;  // 2030-03-17
const std::string kOrg = "org@example.com";

IncomingEvent vevent(std::int64_t seq, std::int64_t stamp, std::string summary = "Match",
                     std::string rid = "") {
    IncomingEvent e;
    e.uid = "uid-1";
    e.recurrence_id = std::move(rid);
    e.organizer = kOrg;
    e.organizer_raw = "mailto:" + kOrg;
    e.fields.summary = std::move(summary);
    e.fields.start = CalTime{kNow + 86400, "20300318T100000", false, false};
    e.fields.end = CalTime{kNow + 90000, "20300318T110000", false, false};
    e.fields.timezone = "Europe/Berlin";
    e.version = Version{seq, stamp};
    e.last_end = e.fields.end.utc;
    return e;
}

UidGroup group(const IncomingEvent& master) {
    return UidGroup{master.uid, &master, {}};
}

Context ctx() {
    Context c;
    c.now = kNow;
    return c;
}

Event stored_from(const IncomingEvent& m) {
    Decision d = decide(Method::Request, group(m), std::nullopt, kOrg, ctx());
    EXPECT_EQ(d.outcome, Outcome::Created);
    d.event->id = "ev1";
    return *d.event;
}

TEST(IntakeRules, NewUidIsCreatedWithCisSequenceZero) {
    const auto m = vevent(3, 100);
    const Decision d = decide(Method::Request, group(m), std::nullopt, kOrg, ctx());
    ASSERT_EQ(d.outcome, Outcome::Created);
    ASSERT_TRUE(d.event);
    EXPECT_EQ(d.event->organizer, kOrg);
    EXPECT_EQ(d.event->original_uid, "uid-1");
    EXPECT_EQ(d.event->sequence, 0);
    EXPECT_EQ(d.event->organizer_version, (Version{3, 100}));
    EXPECT_EQ(d.event->fields.summary, "Match");
    EXPECT_TRUE(d.event->id.empty()) << "the caller assigns ids";
}

TEST(IntakeRules, PublishAndNoMethodAlsoCreate) {
    const auto m = vevent(0, 100);
    EXPECT_EQ(decide(Method::Publish, group(m), std::nullopt, kOrg, ctx()).outcome,
              Outcome::Created);
    EXPECT_EQ(decide(Method::None, group(m), std::nullopt, kOrg, ctx()).outcome, Outcome::Created);
}

TEST(IntakeRules, ChangedContentWithHigherSequenceUpdatesAndBumpsOurSequence) {
    const Event stored = stored_from(vevent(0, 100));
    const auto m = vevent(1, 200, "Match moved");
    const Decision d = decide(Method::Request, group(m), stored, kOrg, ctx());
    ASSERT_EQ(d.outcome, Outcome::Updated);
    EXPECT_EQ(d.event->sequence, 1);
    EXPECT_EQ(d.event->id, "ev1");
    EXPECT_EQ(d.event->fields.summary, "Match moved");
}

TEST(IntakeRules, GoogleEditWithSameSequenceButNewerDtstampIsAnUpdate) {
    const Event stored = stored_from(vevent(0, 100));
    const auto m = vevent(0, 113, "Renamed");
    EXPECT_EQ(decide(Method::Request, group(m), stored, kOrg, ctx()).outcome, Outcome::Updated);
}

TEST(IntakeRules, IdenticalRepeatIsUnchanged) {
    const auto m = vevent(0, 100);
    const Event stored = stored_from(m);
    const Decision d = decide(Method::Request, group(m), stored, kOrg, ctx());
    EXPECT_EQ(d.outcome, Outcome::Unchanged);
    EXPECT_FALSE(d.event);
}

TEST(IntakeRules, OlderSequenceOrDtstampIsStale) {
    Event stored = stored_from(vevent(2, 500));
    const auto older_seq = vevent(1, 900, "Old title");
    const auto older_stamp = vevent(2, 400, "Old title");
    const Decision a = decide(Method::Request, group(older_seq), stored, kOrg, ctx());
    const Decision b = decide(Method::Request, group(older_stamp), stored, kOrg, ctx());
    EXPECT_EQ(a.outcome, Outcome::Stale);
    EXPECT_EQ(b.outcome, Outcome::Stale);
    EXPECT_NE(a.reason.find("older"), std::string::npos) << a.reason;
    EXPECT_FALSE(a.event);
}

TEST(IntakeRules, CancelWholeEventKeepsItAndBumpsSequence) {
    const Event stored = stored_from(vevent(0, 100));
    const auto c = vevent(0, 150);
    const Decision d = decide(Method::Cancel, group(c), stored, kOrg, ctx());
    ASSERT_EQ(d.outcome, Outcome::Cancelled);
    EXPECT_EQ(d.event->fields.status, EventStatus::Cancelled);
    EXPECT_EQ(d.event->sequence, 1);
    EXPECT_EQ(d.event->fields.summary, "Match") << "cancelled events are kept, not emptied";
}

TEST(IntakeRules, CancelWithSameSequenceAsLastRequestIsAccepted) {
    // Outlook for Mac and BlueMind cancel at the SEQUENCE of the last REQUEST.
    const Event stored = stored_from(vevent(4, 100));
    const auto c = vevent(4, 90);
    EXPECT_EQ(decide(Method::Cancel, group(c), stored, kOrg, ctx()).outcome, Outcome::Cancelled);
}

TEST(IntakeRules, CancelWithLowerSequenceIsStale) {
    const Event stored = stored_from(vevent(5, 100));
    const auto c = vevent(4, 900);
    EXPECT_EQ(decide(Method::Cancel, group(c), stored, kOrg, ctx()).outcome, Outcome::Stale);
}

TEST(IntakeRules, StatusCancelledInsideRequestCancels) {
    const Event stored = stored_from(vevent(0, 100));
    auto c = vevent(1, 200);
    c.fields.status = EventStatus::Cancelled;
    EXPECT_EQ(decide(Method::Request, group(c), stored, kOrg, ctx()).outcome, Outcome::Cancelled);
}

TEST(IntakeRules, CancelOfUnknownEventIsRejected) {
    const auto c = vevent(0, 100);
    const Decision d = decide(Method::Cancel, group(c), std::nullopt, kOrg, ctx());
    EXPECT_EQ(d.outcome, Outcome::Rejected);
    EXPECT_NE(d.reason.find("never created"), std::string::npos) << d.reason;
}

TEST(IntakeRules, RepeatedCancelIsUnchanged) {
    Event stored = stored_from(vevent(0, 100));
    stored.fields.status = EventStatus::Cancelled;
    const auto c = vevent(1, 200);
    EXPECT_EQ(decide(Method::Cancel, group(c), stored, kOrg, ctx()).outcome, Outcome::Unchanged);
}

TEST(IntakeRules, LaterRequestReinstatesACancelledEvent) {
    Event stored = stored_from(vevent(0, 100));
    stored.fields.status = EventStatus::Cancelled;
    stored.sequence = 1;
    const auto m = vevent(2, 300);
    const Decision d = decide(Method::Request, group(m), stored, kOrg, ctx());
    ASSERT_EQ(d.outcome, Outcome::Reinstated);
    EXPECT_EQ(d.event->fields.status, EventStatus::Confirmed);
    EXPECT_EQ(d.event->sequence, 2);
}

TEST(IntakeRules, CancelOneOccurrence) {
    auto master = vevent(0, 100);
    master.recurrence.rrule = "FREQ=WEEKLY";
    master.last_end.reset();
    const Event stored = stored_from(master);
    const auto occ = vevent(1, 200, "Match", "20300325T090000Z");
    UidGroup g{"uid-1", nullptr, {&occ}};
    const Decision d = decide(Method::Cancel, g, stored, kOrg, ctx());
    ASSERT_EQ(d.outcome, Outcome::OccurrenceCancelled);
    ASSERT_EQ(d.event->occurrences.size(), 1u);
    EXPECT_EQ(d.event->occurrences[0].recurrence_id, "20300325T090000Z");
    EXPECT_EQ(d.event->occurrences[0].fields.status, EventStatus::Cancelled);
    EXPECT_EQ(d.event->fields.status, EventStatus::Confirmed) << "the series goes on";
    EXPECT_EQ(d.event->sequence, 1);

    // The same cancellation again changes nothing.
    const Decision again = decide(Method::Cancel, g, *d.event, kOrg, ctx());
    EXPECT_EQ(again.outcome, Outcome::Unchanged);
}

TEST(IntakeRules, MovedOccurrenceIsStoredAsOverride) {
    auto master = vevent(0, 100);
    master.recurrence.rrule = "FREQ=WEEKLY";
    const Event stored = stored_from(master);
    auto occ = vevent(4, 400, "Match (moved)", "20300325T090000Z");
    occ.fields.start.utc += 3600;
    UidGroup g{"uid-1", nullptr, {&occ}};
    const Decision d = decide(Method::Request, g, stored, kOrg, ctx());
    ASSERT_EQ(d.outcome, Outcome::OccurrenceUpdated);
    ASSERT_EQ(d.event->occurrences.size(), 1u);
    EXPECT_EQ(d.event->occurrences[0].fields.summary, "Match (moved)");
    // An older change to the same occurrence is stale.
    auto older = vevent(3, 300, "Match (older)", "20300325T090000Z");
    UidGroup g2{"uid-1", nullptr, {&older}};
    EXPECT_EQ(decide(Method::Request, g2, *d.event, kOrg, ctx()).outcome, Outcome::Stale);
}

TEST(IntakeRules, SeriesUpdateKeepsEarlierCancelledOccurrences) {
    auto master = vevent(0, 100);
    master.recurrence.rrule = "FREQ=WEEKLY";
    Event stored = stored_from(master);
    stored.occurrences.push_back(Occurrence{"20300325T090000Z", master.fields, Version{1, 150}});
    stored.occurrences[0].fields.status = EventStatus::Cancelled;
    const auto renamed = [&] {
        auto m = vevent(2, 300, "Renamed series");
        m.recurrence.rrule = "FREQ=WEEKLY";
        return m;
    }();
    const Decision d = decide(Method::Request, group(renamed), stored, kOrg, ctx());
    ASSERT_EQ(d.outcome, Outcome::Updated);
    ASSERT_EQ(d.event->occurrences.size(), 1u);
    EXPECT_EQ(d.event->occurrences[0].fields.status, EventStatus::Cancelled);
}

TEST(IntakeRules, OccurrenceOfUnknownSeriesIsRejectedWithoutMaster) {
    const auto occ = vevent(1, 200, "Match", "20300325T090000Z");
    UidGroup g{"uid-1", nullptr, {&occ}};
    EXPECT_EQ(decide(Method::Request, g, std::nullopt, kOrg, ctx()).outcome, Outcome::Rejected);
}

TEST(IntakeRules, PastEventIsRejectedUnlessAllowed) {
    auto m = vevent(0, 100);
    m.last_end = kNow - 3600;
    const Decision d = decide(Method::Request, group(m), std::nullopt, kOrg, ctx());
    EXPECT_EQ(d.outcome, Outcome::Rejected);
    EXPECT_NE(d.reason.find("over"), std::string::npos) << d.reason;
    Context allow = ctx();
    allow.accept_past_events = true;
    EXPECT_EQ(decide(Method::Request, group(m), std::nullopt, kOrg, allow).outcome,
              Outcome::Created);
    // An endless series is never over.
    m.last_end.reset();
    EXPECT_EQ(decide(Method::Request, group(m), std::nullopt, kOrg, ctx()).outcome,
              Outcome::Created);
}

TEST(IntakeRules, OverLimitOrganizerIsRejected) {
    Context c = ctx();
    c.may_create = false;
    c.may_not_create_reason = "you have reached your limit of 5 upcoming events";
    const auto m = vevent(0, 100);
    const Decision d = decide(Method::Request, group(m), std::nullopt, kOrg, c);
    EXPECT_EQ(d.outcome, Outcome::Rejected);
    EXPECT_EQ(d.reason, c.may_not_create_reason);
}

TEST(IntakeRules, AttendeeMethodsAreRefused) {
    const auto m = vevent(0, 100);
    for (Method method :
         {Method::Reply, Method::Counter, Method::Refresh, Method::DeclineCounter}) {
        const Decision d = decide(method, group(m), std::nullopt, kOrg, ctx());
        EXPECT_EQ(d.outcome, Outcome::Rejected) << to_string(method);
        EXPECT_NE(d.reason.find("attendee"), std::string::npos) << d.reason;
    }
}

TEST(IntakeRules, BodyMethodWinsOverMimeParameter) {
    EXPECT_EQ(effective_method("CANCEL", "REQUEST"), Method::Cancel);  // Yahoo
    EXPECT_EQ(effective_method("COUNTER", "REPLY"), Method::Counter);  // Google
    EXPECT_EQ(effective_method("", "\"REQUEST\""), Method::Request);   // Lotus Notes
    EXPECT_EQ(effective_method("", "request"), Method::Request);       // Proton
    EXPECT_EQ(effective_method("", ""), Method::None);                 // Apple attachment
    EXPECT_EQ(effective_method("X-WHATEVER", ""), Method::Unknown);
}

TEST(IntakeRules, OrganizerMustBeTheSenderOrItsDelegate) {
    auto m = vevent(0, 100);
    EXPECT_FALSE(organizer_mismatch(m, kOrg));
    auto r = organizer_mismatch(m, "someone@else.org");
    ASSERT_TRUE(r);
    EXPECT_NE(r->find(kOrg), std::string::npos);
    m.sent_by = "assistant@example.com";
    EXPECT_FALSE(organizer_mismatch(m, "assistant@example.com"));
    m.organizer.clear();
    m.organizer_raw.clear();
    EXPECT_FALSE(organizer_mismatch(m, "anyone@example.com"))
        << "no ORGANIZER: the sender organises";
    m.organizer_raw = "/123/principal/";
    EXPECT_TRUE(organizer_mismatch(m, "anyone@example.com"));
}

TEST(IntakeRules, GroupsByUidAndPrefersTheNewerOfTwoMasters) {
    IncomingCalendar cal;
    cal.events.push_back(vevent(1, 100, "older"));
    cal.events.push_back(vevent(2, 100, "newer"));
    cal.events.push_back(vevent(2, 100, "occ", "20300325T090000Z"));
    auto other = vevent(0, 100, "other");
    other.uid = "uid-2";
    cal.events.push_back(other);
    const auto groups = group_by_uid(cal);
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].master->fields.summary, "newer");
    EXPECT_EQ(groups[0].overrides.size(), 1u);
    EXPECT_EQ(groups[1].uid, "uid-2");
}

}  // namespace
}  // namespace cis::itip

namespace cis::itip {
namespace {
TEST(IntakeRules2, VeventWithoutStartMayOnlyCancel) {
    auto m = vevent(1, 200);
    m.fields.start = CalTime{};
    const Event stored = stored_from(vevent(0, 100));
    EXPECT_EQ(decide(Method::Cancel, group(m), stored, kOrg, ctx()).outcome, Outcome::Cancelled);
    const Decision d = decide(Method::Request, group(m), std::nullopt, kOrg, ctx());
    EXPECT_EQ(d.outcome, Outcome::Rejected);
    EXPECT_NE(d.reason.find("DTSTART"), std::string::npos);
}
}  // namespace
}  // namespace cis::itip
