// Attendees' answers (REPLY, COUNTER, REFRESH) → IncomingReply: every file of
// shared/corpus/replies/ against an expectation written from reading the file, a few odd
// ones, and calendars written here to pin one behaviour each.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "ical/content_line.hpp"
#include "ical/parse_reply.hpp"
#include "itip/reply_rules.hpp"
#include "mail/charset.hpp"
#include "mail/inbound_message.hpp"
#include "support/test_support.hpp"

namespace cis {
namespace {

using itip::ClientFamily;
using itip::Rsvp;

// The first calendar of a file: an .ics as it is, a message's first calendar (inline
// ones come first; two corpus messages carry a differently anonymised attachment copy).
ical::ParsedReply parse_file(const std::filesystem::path& path, std::size_t* calendars = nullptr) {
    const std::string raw = test::read_file(path);
    if (path.extension() == ".ics") {
        if (calendars) *calendars = 1;
        return ical::parse_reply(mail::to_utf8(raw, ""));
    }
    const auto msg = mail::parse_inbound(raw);
    if (calendars) *calendars = msg.calendars.size();
    if (msg.calendars.empty()) {
        ical::ParsedReply none;
        none.error = "no calendar in the message";
        return none;
    }
    return ical::parse_reply(msg.calendars.front().text);
}

struct Expectation {
    const char* method;
    const char* uid;
    const char* partstat;
    Rsvp rsvp;
    ClientFamily family;
    const char* attendee;
    std::optional<std::int64_t> sequence;  // nullopt: the file has no SEQUENCE
    const char* dtstamp;                   // basic UTC form
    const char* organizer;                 // "" when the file has no ORGANIZER
    const char* recurrence_id = "";        // none of the corpus replies has one
    const char* proposal_start = nullptr;  // RFC 3339 UTC, COUNTER / iOS proposals only
    const char* proposal_end = nullptr;
};

// Written by reading each file (not from CIS's output); PRODID → family by the rules
// documented at itip::client_family.
const std::map<std::string, Expectation>& corpus_expectations() {
    static const std::map<std::string, Expectation> table = {
        {"android-email-reply-accepted.eml",
         {"REPLY", "6C5861338FC94376B376095E9884760B00000000000000000000000000000000", "ACCEPTED",
          Rsvp::Yes, ClientFamily::Other, "person-cb@example.com", 0, "20120704T104823Z",
          "person-ca@example.com"}},
        {"android-email-reply-declined.eml",
         {"REPLY", "6C5861338FC94376B376095E9884760B00000000000000000000000000000000", "DECLINED",
          Rsvp::No, ClientFamily::Other, "person-cb@example.com", 0, "20120704T105254Z",
          "person-ca@example.com"}},
        {"apple-ical3-mail-reply-accepted.eml",
         {"REPLY", "1E71F9C8-AEDA-48EB-98D0-76E898F6BB5C", "ACCEPTED", Rsvp::Yes,
          ClientFamily::Apple, "xyzzy@example.com", 7, "20080812T201911Z",
          "ical-living-on+d7cdf68d-8b73-4df1-ad3b-f08002fb285f@example.com"}},
        {"apple-ical5-reply-accepted.ics",
         {"REPLY", "a8d10369e051094ae9322bd65e8afecac010bfc8", "ACCEPTED", Rsvp::Yes,
          ClientFamily::Apple, "person-cj@example.net", 1, "20111130T150738Z",
          "unittest@tine20.org"}},
        {"apple-ios-reply-accepted.eml",
         {"REPLY", "b84ce20", "ACCEPTED", Rsvp::Yes, ClientFamily::Apple, "admin@willow.vmw", 0,
          "20120525T154122Z", "tom@willow.vmw"}},
        {"apple-ios-reply-declined.eml",
         {"REPLY", "176dfc05", "DECLINED", Rsvp::No, ClientFamily::Apple, "admin@willow.vmw", 0,
          "20120527T184357Z", "tom@willow.vmw"}},
        {"apple-ios-reply-proposed-new-time.ics",
         {"REPLY", "f22d978b-51cc-419d-b4ae-e85d09279ac4", "TENTATIVE", Rsvp::Maybe,
          ClientFamily::Apple, "david@b-m.lan", 0, "20201224T141858Z", "admin@bm.lan", "",
          // TO-ALL-PROPOSED-NEW-TIME="DTSTART:20201225T083000Z;…"; the event lasts 30 min.
          "2020-12-25T08:30:00Z", "2020-12-25T09:00:00Z"}},
        {"apple-ios-reply-tentative.eml",
         {"REPLY", "5b596379", "TENTATIVE", Rsvp::Maybe, ClientFamily::Apple, "admin@willow.vmw", 0,
          "20120527T184357Z", "tom@willow.vmw"}},
        {"bluemind-mapi-outlook-reply-accepted.eml",
         {"REPLY", "a0bd6c5b-dc96-49a0-ae45-089843c839df", "ACCEPTED", Rsvp::Yes,
          ClientFamily::Other, "person-ce@example.com", std::nullopt, "20190228T094533Z", ""}},
        {"bluemind-reply-accepted.eml",
         {"REPLY", "0839ab78569b58f97c8f56d61493ba30dced2013", "ACCEPTED", Rsvp::Yes,
          ClientFamily::Other, "person-cg@ledepartement00.zz", 0, "20160425T122530Z",
          "admin@bm.lan"}},
        {"google-counter-propose-new-time.eml",
         {"COUNTER", "36da4919-6cf5-4ce9-aa18-6e56c1da2298", "TENTATIVE", Rsvp::Maybe,
          ClientFamily::Google, "max@gmail.com", 0, "20210113T102439Z",
          "max.mustermann@bluemind.net", "", "2021-01-13T18:45:00Z", "2021-01-13T19:45:00Z"}},
        {"google-reply-accepted-2.ics",
         {"REPLY", "cccc@nylas.com", "ACCEPTED", Rsvp::Yes, ClientFamily::Google,
          "person-ck@example.com", 0, "20150331T124344Z", "test2@example.com"}},
        {"google-reply-accepted-2012.eml",
         {"REPLY", "14ef516ad2e6ce325d5c8efcf9d7ddbfa30f9d15", "ACCEPTED", Rsvp::Yes,
          ClientFamily::Google, "person-ca@gmail.com", 0, "20120530T075652Z",
          "person-ca@example.com"}},
        {"google-reply-accepted-fr-qp-seq1.eml",
         {"REPLY", "e76b4686c75efde6b17ea24cb98c8d59dca65063", "ACCEPTED", Rsvp::Yes,
          ClientFamily::Google, "person-bt@example.com", 1, "20120824T095052Z",
          "person-cd@example.com"}},
        {"google-reply-accepted.ics",
         {"REPLY", "62050f080e53ca8e00353ff0a89c6c6aa4af3dec", "ACCEPTED", Rsvp::Yes,
          ClientFamily::Google, "person-cj@example.net", 1, "20171115T142524Z",
          "unittest@tine20.org"}},  // ORGANIZER written without mailto:
        {"google-reply-declined-2012.eml",
         {"REPLY", "14ef516ad2e6ce325d5c8efcf9d7ddbfa30f9d15", "DECLINED", Rsvp::No,
          ClientFamily::Google, "person-ca@gmail.com", 0, "20120530T075709Z",
          "person-ca@example.com"}},
        {"google-reply-declined.ics",
         {"REPLY", "cccc@nylas.com", "DECLINED", Rsvp::No, ClientFamily::Google,
          "person-ck@example.com", 0, "20150331T124344Z", "test2@example.com"}},
        {"google-reply-tentative-2012.eml",
         {"REPLY", "14ef516ad2e6ce325d5c8efcf9d7ddbfa30f9d15", "TENTATIVE", Rsvp::Maybe,
          ClientFamily::Google, "person-ca@gmail.com", 0, "20120530T075658Z",
          "person-ca@example.com"}},
        {"google-reply-tentative.ics",
         {"REPLY", "cccc@nylas.com", "TENTATIVE", Rsvp::Maybe, ClientFamily::Google,
          "test1@example.com", 0, "20150331T131419Z", "test2@example.com"}},
        {"outlook-mac2011-reply-accepted.eml",
         {"REPLY", "f1394aba7ca8b9474af204a4d88934b7c7aa2191", "ACCEPTED", Rsvp::Yes,
          ClientFamily::Microsoft, "admin@willow.vmw", 0, "20120525T154121Z", "tom@willow.vmw"}},
        {"outlook-mac2011-reply-declined.eml",
         {"REPLY", "F3B82EDE-26A7-48AF-B90C-3F99A005964C", "DECLINED", Rsvp::No,
          ClientFamily::Microsoft, "tom@willow.vmw", 0, "20120527T181400Z", "admin@willow.vmw"}},
        {"outlook-mac2011-reply-tentative.eml",
         {"REPLY", "F3B82EDE-26A7-48AF-B90C-3F99A005964C", "TENTATIVE", Rsvp::Maybe,
          ClientFamily::Microsoft, "tom@willow.vmw", 0, "20120527T181400Z", "admin@willow.vmw"}},
        {"thunderbird-lightning-reply-accepted.eml",
         {"REPLY", "4f0162146d61cb2c06cbe2abf94636f4526abe16", "ACCEPTED", Rsvp::Yes,
          ClientFamily::Mozilla, "tine20admin@caldav.net", 0, "20111121T120909Z",
          "person-ch@caldav.org"}},
        {"thunderbird-lightning-reply-declined.eml",
         {"REPLY", "4f0162146d61cb2c06cbe2abf94636f4526abe16", "DECLINED", Rsvp::No,
          ClientFamily::Mozilla, "tine20admin@caldav.net", 0, "20111121T121154Z",
          "person-ch@caldav.org"}},
    };
    return table;
}

void check(const std::filesystem::path& path, const Expectation& want) {
    SCOPED_TRACE(path.filename().string());
    std::size_t calendars = 0;
    const auto parsed = parse_file(path, &calendars);
    ASSERT_TRUE(parsed.error.empty()) << parsed.error;
    const IncomingReply& r = parsed.reply;
    EXPECT_EQ(r.method, want.method);
    EXPECT_EQ(itip::client_family(r.prodid), want.family) << r.prodid;
    ASSERT_EQ(r.events.size(), 1u);
    const ReplyEvent& ev = r.events[0];
    EXPECT_EQ(ev.uid, want.uid);
    EXPECT_EQ(ev.sequence, want.sequence);
    EXPECT_EQ(format_basic_utc(ev.dtstamp), want.dtstamp);
    EXPECT_EQ(ev.recurrence_id, want.recurrence_id);
    EXPECT_EQ(ev.has_organizer, *want.organizer != '\0');
    EXPECT_EQ(ev.organizer, want.organizer);
    // Every corpus reply carries exactly the replier's ATTENDEE (VALARM ones excluded:
    // google-reply-accepted-fr-qp-seq1.eml has one for the organizer's e-mail alarm).
    ASSERT_EQ(ev.attendees.size(), 1u);
    const ReplyAttendee& a = ev.attendees[0];
    EXPECT_EQ(a.address, want.attendee);
    EXPECT_EQ(a.partstat, want.partstat);
    const auto status = itip::status_of_partstat(a.partstat);
    EXPECT_EQ(status.status, want.rsvp);
    EXPECT_TRUE(status.recognised);
    const auto choice = itip::choose_attendee(ev, want.attendee);
    EXPECT_EQ(choice.match, itip::AttendeeMatch::Exact);
    EXPECT_EQ(choice.attendee, &a);
    if (want.proposal_start) {
        ASSERT_TRUE(ev.proposal);
        EXPECT_EQ(rfc3339_utc(ev.proposal->start.utc), want.proposal_start);
        EXPECT_EQ(rfc3339_utc(ev.proposal->end.utc), want.proposal_end);
        EXPECT_EQ(ev.proposal->proposed_by, want.attendee);
    } else {
        EXPECT_FALSE(ev.proposal) << "unexpected proposal from " << ev.proposal->source;
    }
    EXPECT_LE(calendars, 2u);
}

TEST(ReplyCorpus, EveryReplyFileMatchesItsExpectation) {
    CIS_REQUIRE_CORPUS();
    const auto dir = test::corpus_dir() / "replies";
    const auto& table = corpus_expectations();
    std::set<std::string> seen;
    for (const auto& path : test::files_in(dir)) {
        const std::string name = path.filename().string();
        const auto it = table.find(name);
        if (it == table.end()) {
            ADD_FAILURE() << "replies/" << name
                          << " is new: add its expectation to corpus_expectations()";
            continue;
        }
        seen.insert(name);
        check(path, it->second);
    }
    for (const auto& [name, want] : table)
        EXPECT_TRUE(seen.count(name)) << "replies/" << name << " is expected but absent";
}

TEST(ReplyCorpus, EveryCalendarOfEveryReplyParses) {
    CIS_REQUIRE_CORPUS();
    for (const auto& path : test::files_in(test::corpus_dir() / "replies")) {
        if (path.extension() != ".eml") continue;
        for (const auto& cal : mail::parse_inbound(test::read_file(path)).calendars) {
            const auto parsed = ical::parse_reply(cal.text);
            EXPECT_TRUE(parsed.error.empty()) << path << ": " << parsed.error;
            EXPECT_EQ(parsed.reply.events.size(), 1u) << path;
        }
    }
}

TEST(ReplyCorpus, CommentsAndAppleNotes) {
    CIS_REQUIRE_CORPUS();
    const auto dir = test::corpus_dir() / "replies";
    // X-CALENDARSERVER-PRIVATE-COMMENT:Annotation\n
    EXPECT_EQ(parse_file(dir / "apple-ios-reply-accepted.eml").reply.events.at(0).comment,
              "Annotation");
    const auto proposal = parse_file(dir / "apple-ios-reply-proposed-new-time.ics");
    EXPECT_NE(
        proposal.reply.events.at(0).comment.find("Can we move this event to tomorrow at 09:30?"),
        std::string::npos);
    EXPECT_EQ(proposal.reply.events.at(0).proposal->source, "TO-ALL-PROPOSED-NEW-TIME");
    const auto counter = parse_file(dir / "google-counter-propose-new-time.eml");
    EXPECT_EQ(counter.reply.events.at(0).proposal->source, "COUNTER");
    EXPECT_EQ(counter.reply.events.at(0).attendees.at(0).name, "person-by@gmail.com");
}

TEST(ReplyCorpus, OutlookForMacReplyTimeOrdersItsReplies) {
    CIS_REQUIRE_CORPUS();
    const auto dir = test::corpus_dir() / "replies";
    // Both carry DTSTAMP:20120527T181400Z (the invitation's); the declination came later.
    const auto tentative =
        parse_file(dir / "outlook-mac2011-reply-tentative.eml").reply.events.at(0);
    const auto declined = parse_file(dir / "outlook-mac2011-reply-declined.eml").reply.events.at(0);
    EXPECT_EQ(tentative.dtstamp, declined.dtstamp);
    EXPECT_EQ(format_basic_utc(declined.reply_time), "20120527T181800Z");
    EXPECT_TRUE(itip::is_newer(declined.version(), tentative.version()));
    EXPECT_FALSE(itip::is_newer(tentative.version(), declined.version()));
}

TEST(ReplyCorpus, OddReplies) {
    CIS_REQUIRE_CORPUS();
    const auto dir = test::corpus_dir() / "odd";
    {
        const auto p = parse_file(dir / "bluemind-counter.ics");
        ASSERT_TRUE(p.error.empty());
        EXPECT_EQ(p.reply.method, "COUNTER");
        const auto& ev = p.reply.events.at(0);
        EXPECT_FALSE(ev.sequence);
        EXPECT_EQ(ev.attendees.at(0).address, "user1@domain.lan");
        EXPECT_EQ(ev.attendees.at(0).partstat, "NEEDS-ACTION");
        // DTSTART;TZID=Asia/Ho_Chi_Minh:20220214T000000 (UTC+7), DTEND 02:00.
        ASSERT_TRUE(ev.proposal);
        EXPECT_EQ(rfc3339_utc(ev.proposal->start.utc), "2022-02-13T17:00:00Z");
        EXPECT_EQ(rfc3339_utc(ev.proposal->end.utc), "2022-02-13T19:00:00Z");
        EXPECT_EQ(ev.proposal->timezone, "Asia/Ho_Chi_Minh");
    }
    {
        const auto p = parse_file(dir / "bluemind-declinecounter.ics");
        EXPECT_EQ(p.reply.method, "DECLINECOUNTER");
        EXPECT_FALSE(p.reply.events.at(0).proposal);
    }
    {
        const auto p = parse_file(dir / "google-reply-uid-with-dollar.ics");
        EXPECT_EQ(p.reply.events.at(0).uid, "234252$cccc@nylas.com");
        EXPECT_EQ(p.reply.events.at(0).attendees.at(0).partstat, "DECLINED");
    }
    {
        const auto p = parse_file(dir / "apple-ical3-reply-missing-attendee.eml");
        ASSERT_EQ(p.reply.events.size(), 1u);
        EXPECT_TRUE(p.reply.events[0].attendees.empty());
        EXPECT_EQ(itip::choose_attendee(p.reply.events[0], "xyzzy@example.com").match,
                  itip::AttendeeMatch::None);
    }
    {
        const auto p = parse_file(dir / "apple-ical3-reply-missing-organizer.eml");
        ASSERT_EQ(p.reply.events.size(), 1u);
        EXPECT_FALSE(p.reply.events[0].has_organizer);
        EXPECT_EQ(p.reply.events[0].sequence, 7);
    }
    EXPECT_FALSE(parse_file(dir / "apple-mail-reply-missing-ics.eml").error.empty());
}

// ---- Calendars written here --------------------------------------------------------------

std::string cal(const std::string& body, const std::string& method = "REPLY") {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nMETHOD:" + method + "\r\n" + body +
           "END:VCALENDAR\r\n";
}

std::string vevent(const std::string& props) {
    return "BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20300101T000000Z\r\n" + props + "END:VEVENT\r\n";
}

TEST(ParseReply, RecurrenceIdIsNormalisedLikeRequests) {
    const auto r = ical::parse_reply(cal(
        vevent("RECURRENCE-ID;TZID=Europe/Berlin:20300608T100000\r\n"
               "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.org\r\n") +
        vevent("RECURRENCE-ID;VALUE=DATE:20300615\r\n"
               "ATTENDEE;PARTSTAT=DECLINED:mailto:a@x.org\r\n") +
        vevent(
            "RECURRENCE-ID:20300622T080000Z\r\nATTENDEE;PARTSTAT=TENTATIVE:mailto:a@x.org\r\n")));
    ASSERT_EQ(r.reply.events.size(), 3u);
    EXPECT_EQ(r.reply.events[0].recurrence_id, "20300608T080000Z");
    EXPECT_EQ(r.reply.events[1].recurrence_id, "20300615");
    EXPECT_EQ(r.reply.events[2].recurrence_id, "20300622T080000Z");
    EXPECT_EQ(r.reply.events[1].attendees.at(0).partstat, "DECLINED");
}

TEST(ParseReply, AttendeeFieldsAndDelegation) {
    const auto r = ical::parse_reply(cal(vevent(
        "ORGANIZER;CN=CIS:mailto:RSVP@cis.example.org\r\n"
        "ATTENDEE;CN=\"Doe, Jane\";PARTSTAT=delegated;DELEGATED-TO=\"mailto:Bob@X.org\",\"ma\r\n"
        " ilto:carol@x.org\";SENT-BY=\"mailto:Asst@x.org\":MAILTO:Jane@X.org\r\n"
        "ATTENDEE;PARTSTAT=NEEDS-ACTION;DELEGATED-FROM=\"mailto:jane@x.org\":mailto:bob@x.org\r\n"
        "ATTENDEE;PARTSTAT=X-MAYBE-LATER;EMAIL=real@icloud.com:mailto:2_abc@imip.me.com\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:urn:uuid:0c6c3d8e\r\n"
        "COMMENT:first\\, really\r\nCOMMENT:second\r\n"
        "BEGIN:VALARM\r\nACTION:EMAIL\r\nATTENDEE:mailto:alarm@x.org\r\nTRIGGER:-PT5M\r\n"
        "END:VALARM\r\n")));
    ASSERT_TRUE(r.error.empty());
    const ReplyEvent& ev = r.reply.events.at(0);
    EXPECT_EQ(ev.organizer, "rsvp@cis.example.org");
    EXPECT_EQ(ev.organizer_name, "CIS");
    EXPECT_EQ(ev.comment, "first, really\nsecond");
    ASSERT_EQ(ev.attendees.size(), 4u) << "the VALARM's ATTENDEE is not an answer";
    const auto& jane = ev.attendees[0];
    EXPECT_EQ(jane.address, "jane@x.org");
    EXPECT_EQ(jane.raw, "MAILTO:Jane@X.org");
    EXPECT_EQ(jane.name, "Doe, Jane");
    EXPECT_EQ(jane.partstat, "delegated");
    EXPECT_EQ(jane.delegated_to, (std::vector<std::string>{"bob@x.org", "carol@x.org"}));
    EXPECT_EQ(jane.sent_by, "asst@x.org");
    EXPECT_EQ(ev.attendees[1].delegated_from, std::vector<std::string>{"jane@x.org"});
    EXPECT_EQ(ev.attendees[2].partstat, "X-MAYBE-LATER");
    EXPECT_EQ(ev.attendees[2].email, "real@icloud.com");
    EXPECT_EQ(ev.attendees[3].address, "");
    EXPECT_EQ(ev.attendees[3].raw, "urn:uuid:0c6c3d8e");
    const auto status = itip::status_of_partstat(jane.partstat);
    EXPECT_EQ(status.status, Rsvp::No);
    EXPECT_TRUE(status.delegated);
}

TEST(ParseReply, MissingOrganizerAndSequenceAreReportedAsAbsent) {
    const auto r = ical::parse_reply(cal(vevent("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.org\r\n")));
    const ReplyEvent& ev = r.reply.events.at(0);
    EXPECT_FALSE(ev.has_organizer);
    EXPECT_EQ(ev.organizer, "");
    EXPECT_FALSE(ev.sequence);
    EXPECT_EQ(ev.version(), (Version{0, 1893456000}));
}

TEST(ParseReply, RefreshAndCounter) {
    const auto refresh = ical::parse_reply(
        cal(vevent("ATTENDEE:mailto:a@x.org\r\nORGANIZER:mailto:rsvp@c.org\r\n"), "REFRESH"));
    EXPECT_EQ(refresh.reply.method, "REFRESH");
    EXPECT_EQ(refresh.reply.events.at(0).attendees.at(0).partstat, "");
    EXPECT_FALSE(refresh.reply.events.at(0).proposal);

    const auto counter = ical::parse_reply(
        cal(vevent("DTSTART;VALUE=DATE:20300601\r\nDTEND;VALUE=DATE:20300603\r\n"
                   "ATTENDEE;PARTSTAT=TENTATIVE:mailto:a@x.org\r\nSEQUENCE:4\r\n"),
            "counter"));
    EXPECT_EQ(counter.reply.method, "COUNTER");
    const auto& p = counter.reply.events.at(0).proposal;
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->start.is_date);
    EXPECT_EQ(p->start.local, "20300601");
    EXPECT_EQ(p->end.local, "20300603");
    EXPECT_EQ(counter.reply.events.at(0).sequence, 4);
}

TEST(ParseReply, AppleProposalInLocalTimeUsesTheEventsZone) {
    const auto r = ical::parse_reply(cal(vevent(
        "DTSTART;TZID=Europe/Berlin:20300601T100000\r\nDTEND;TZID=Europe/Berlin:20300601T113000\r\n"
        "ATTENDEE;PARTSTAT=TENTATIVE;TO-ALL-PROPOSED-NEW-TIME=\"DTSTART:20300602T090000;STATU\r\n"
        " S:;\":mailto:a@x.org\r\n")));
    const auto& p = r.reply.events.at(0).proposal;
    ASSERT_TRUE(p);
    EXPECT_EQ(rfc3339_utc(p->start.utc), "2030-06-02T07:00:00Z");
    EXPECT_EQ(rfc3339_utc(p->end.utc), "2030-06-02T08:30:00Z");
    EXPECT_EQ(p->end.local, "20300602T103000");
    EXPECT_EQ(p->timezone, "Europe/Berlin");
}

TEST(ParseReply, VtimezonesAreKeptForTheBuilder) {
    const auto r = ical::parse_reply(
        cal("BEGIN:VTIMEZONE\r\nTZID:Custom\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
            "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
            vevent("DTSTART;TZID=Custom:20300601T100000\r\nATTENDEE:mailto:a@x.org\r\n")));
    ASSERT_EQ(r.reply.vtimezones.size(), 1u);
    EXPECT_EQ(r.reply.vtimezones[0].first, "Custom");
    EXPECT_NE(r.reply.vtimezones[0].second.find("TZOFFSETTO:+0300"), std::string::npos);
    EXPECT_EQ(r.reply.events.at(0).tzid, "Custom");
    EXPECT_EQ(rfc3339_utc(r.reply.events.at(0).start->utc), "2030-06-01T07:00:00Z");
}

TEST(ParseReply, GarbageNeverThrows) {
    for (const std::string& text :
         {std::string(), std::string("\0\0\0", 3), std::string("BEGIN:VCALENDAR"),
          std::string("BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n"),
          std::string("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=\"\r\n"),
          std::string("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nATTENDEE;;;=:\r\nATTENDEE;A="
                      "\"\"\"\":\r\nATTENDEE;TO-ALL-PROPOSED-NEW-TIME=\"DTSTART:9999\":mailto:"
                      "a@b.c\r\nDTSTART;TZID=Nowhere/Never:20301301T250000\r\nRECURRENCE-ID:"
                      "x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
          std::string(5000, 'B'), cal(std::string(300, '\n'))}) {
        ical::ParsedReply r;
        EXPECT_NO_THROW(r = ical::parse_reply(text));
        for (const auto& ev : r.reply.events) EXPECT_NO_THROW(itip::choose_attendee(ev, "a@b.c"));
    }
}

TEST(ContentLine, ParametersWithQuotesAndSeveralValues) {
    const auto lines = ical::unfold_lines("A:1\r\n 2\nB;X=\"a:b;c\",d;Y:v:w\r\n\tz\rC\r\n\r\n");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "A:12");
    EXPECT_EQ(lines[2], "C");
    const auto cl = ical::parse_content_line(lines[1]);
    EXPECT_EQ(cl.name, "B");
    EXPECT_EQ(cl.values_of("X"), (std::vector<std::string>{"a:b;c", "d"}));
    EXPECT_TRUE(cl.values_of("Y").empty()) << "a parameter without '=' has no value";
    EXPECT_EQ(cl.value, "v:wz");
    EXPECT_EQ(ical::parse_content_line("NOCOLON").value, "");
    EXPECT_EQ(ical::parse_content_line(";X=\"unterminated:v").values_of("X").size(), 1u);
}

}  // namespace
}  // namespace cis
