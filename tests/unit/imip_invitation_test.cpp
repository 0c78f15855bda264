// Whole invitations, read back with CIS's own inbound readers (GMime, libical): what the
// template prepares once and what render() fills in per recipient.
#include <gtest/gtest.h>

#include <string>

#include "core/time.hpp"
#include "ical/parse_calendar.hpp"
#include "imip/invitation.hpp"
#include "imip/recipient_uid.hpp"
#include "mail/inbound_message.hpp"

using namespace cis;
using imip::Kind;

namespace {

std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0) {
    return civil_to_epoch(CivilTime{y, mo, d, h, mi, 0});
}

Event weekly_event() {
    Event e;
    e.id = "ev-1";
    e.sequence = 3;
    e.fields.summary = "Chorprobe; Sopran, Alt";
    e.fields.description = "Zeile 1\nZeile 2, mit Komma";
    e.fields.location = "Saal \\ 2";
    e.fields.start = CalTime{utc(2024, 3, 19, 17), "20240319T180000", false, false};
    e.fields.end = CalTime{utc(2024, 3, 19, 19), "20240319T200000", false, false};
    e.fields.timezone = "Europe/Berlin";
    e.recurrence.rrule = "FREQ=WEEKLY;COUNT=10;BYDAY=TU";
    e.recurrence.exdates = {"20240402T160000Z"};
    Occurrence moved{"20240409T160000Z", e.fields, {}};
    moved.fields.start = CalTime{utc(2024, 4, 10, 17), "20240410T190000", false, false};
    moved.fields.end = CalTime{utc(2024, 4, 10, 18), "20240410T200000", false, false};
    Occurrence cancelled{"20240416T160000Z", e.fields, {}};
    cancelled.fields.status = EventStatus::Cancelled;
    e.occurrences = {moved, cancelled};
    return e;
}

imip::TemplateInput input(const Event& e, Kind kind = Kind::Invitation) {
    imip::TemplateInput in(e);
    in.kind = kind;
    in.organizer_name = "Müller, Hans";
    in.rsvp_address = "rsvp@cis.example.org";
    in.dtstamp = utc(2024, 3, 1, 9);
    in.message_id_domain = "cis.example.org";
    return in;
}

imip::Recipient recipient(const std::string& email, const std::string& name) {
    imip::Recipient r;
    r.email = email;
    r.name = name;
    r.uid = imip::recipient_uid("key", "ev-1", email, "cis.example.org");
    r.unsubscribe_url = "https://cis.example.org/u/tok";
    r.unsubscribe_mailto = "unsubscribe+tok@cis.example.org";
    return r;
}

ical::ParsedCalendar read_back(const std::string& raw, std::string* method_param = nullptr) {
    const auto mail = mail::parse_inbound(raw);
    EXPECT_EQ(mail.calendars.size(), 1u) << "text/calendar and invite.ics are one calendar";
    if (mail.calendars.empty()) return {};
    if (method_param) *method_param = mail.calendars[0].method_param;
    return ical::parse_calendar(mail.calendars[0].text);
}

}  // namespace

TEST(Invitation, RoundTripsThroughGmimeAndLibical) {
    const Event e = weekly_event();
    const imip::InvitationTemplate tpl(input(e));
    const auto r = recipient("alice@example.com", "Alice");
    const std::string raw = tpl.render(r);

    const auto mail = mail::parse_inbound(raw);
    EXPECT_EQ(mail.from_address, "rsvp@cis.example.org");
    EXPECT_EQ(mail.from_name, "Müller, Hans");
    EXPECT_TRUE(
        mail.subject.starts_with("Invitation: Chorprobe; Sopran, Alt @ Tue 19 Mar 2024 "
                                 "18:00 - 20:00 (Europe/Berlin)"))
        << mail.subject;

    std::string method_param;
    const auto parsed = read_back(raw, &method_param);
    ASSERT_TRUE(parsed.error.empty()) << parsed.error;
    EXPECT_TRUE(parsed.warnings.empty());
    EXPECT_EQ(method_param, "REQUEST");
    const auto& cal = parsed.calendar;
    EXPECT_EQ(cal.method, "REQUEST");
    EXPECT_EQ(cal.prodid, "-//CIS//Calendar Invite Server//EN");
    ASSERT_EQ(cal.events.size(), 2u);
    const auto& master = cal.events[0];
    EXPECT_EQ(master.uid, r.uid);
    EXPECT_EQ(master.recurrence_id, "");
    EXPECT_EQ(master.version.sequence, 3);
    EXPECT_EQ(master.version.dtstamp, utc(2024, 3, 1, 9));
    EXPECT_EQ(master.organizer, "rsvp@cis.example.org");
    EXPECT_EQ(master.fields.summary, e.fields.summary);
    EXPECT_EQ(master.fields.description, e.fields.description);
    EXPECT_EQ(master.fields.location, e.fields.location);
    EXPECT_EQ(master.fields.start, e.fields.start);
    EXPECT_EQ(master.fields.end, e.fields.end);
    EXPECT_EQ(master.fields.timezone, "Europe/Berlin");
    EXPECT_EQ(master.recurrence.rrule, e.recurrence.rrule);
    EXPECT_EQ(master.recurrence.exdates,
              (std::vector<std::string>{"20240402T160000Z", "20240416T160000Z"}));
    const auto& moved = cal.events[1];
    EXPECT_EQ(moved.uid, r.uid);
    EXPECT_EQ(moved.recurrence_id, "20240409T160000Z");
    EXPECT_EQ(moved.fields.start, e.occurrences[0].fields.start);
    EXPECT_GE(moved.version.sequence, master.version.sequence);
}

TEST(Invitation, RecipientsDifferOnlyInTheirOwnFields) {
    const Event e = weekly_event();
    const imip::InvitationTemplate tpl(input(e));
    const auto a = recipient("alice@example.com", "Alice");
    const auto b = recipient("bob@example.net", "Bob, Jr.");
    const std::string ma = tpl.render(a), mb = tpl.render(b);
    EXPECT_EQ(tpl.render(a), ma) << "rendering is deterministic";
    EXPECT_NE(ma, mb);
    const auto ca = read_back(ma).calendar, cb = read_back(mb).calendar;
    ASSERT_EQ(ca.events.size(), cb.events.size());
    EXPECT_NE(ca.events[0].uid, cb.events[0].uid);
    EXPECT_EQ(ca.events[0].fields, cb.events[0].fields);
    std::string calendar = mail::parse_inbound(mb).calendars.at(0).text;
    for (auto fold = calendar.find("\r\n "); fold != std::string::npos;
         fold = calendar.find("\r\n ", fold))
        calendar.erase(fold, 3);  // unfold: the line is longer than 75 octets
    EXPECT_NE(calendar.find("\r\nATTENDEE;CN=\"Bob, Jr.\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTI"
                            "ON;RSVP=TRUE:mailto:bob@example.net\r\n"),
              std::string::npos)
        << calendar;
}

TEST(Invitation, UpdateKeepsTheUidAndRaisesSequence) {
    Event e = weekly_event();
    const auto r = recipient("alice@example.com", "Alice");
    const auto first = read_back(imip::InvitationTemplate(input(e)).render(r)).calendar;
    e.sequence = 4;
    e.fields.summary = "Chorprobe (neu)";
    const imip::InvitationTemplate update(input(e, Kind::Update));
    EXPECT_TRUE(update.subject().starts_with("Updated invitation: Chorprobe (neu) @ "));
    const auto second = read_back(update.render(r)).calendar;
    EXPECT_EQ(second.events[0].uid, first.events[0].uid);
    EXPECT_EQ(second.events[0].version.sequence, 4);
    EXPECT_EQ(second.method, "REQUEST");
}

TEST(Invitation, CancellationOfTheWholeEvent) {
    Event e = weekly_event();
    e.sequence = 5;
    const imip::InvitationTemplate tpl(input(e, Kind::Cancellation));
    EXPECT_EQ(tpl.method(), "CANCEL");
    const std::string raw = tpl.render(recipient("alice@example.com", "Alice"));
    EXPECT_NE(raw.find("Content-Type: text/calendar; charset=UTF-8; method=CANCEL\r\n"),
              std::string::npos);
    const auto cal = read_back(raw).calendar;
    EXPECT_EQ(cal.method, "CANCEL");
    ASSERT_EQ(cal.events.size(), 1u) << "the master alone cancels every occurrence";
    EXPECT_EQ(cal.events[0].fields.status, EventStatus::Cancelled);
    EXPECT_EQ(cal.events[0].version.sequence, 5);
    EXPECT_TRUE(tpl.subject().starts_with("Cancelled: "));
}

TEST(Invitation, CancellationOfOneOccurrence) {
    const Event e = weekly_event();
    auto in = input(e, Kind::Cancellation);
    in.occurrences = {"20240423T160000Z"};
    const imip::InvitationTemplate tpl(in);
    const auto cal = read_back(tpl.render(recipient("alice@example.com", "Alice"))).calendar;
    ASSERT_EQ(cal.events.size(), 1u);
    EXPECT_EQ(cal.events[0].recurrence_id, "20240423T160000Z");
    EXPECT_EQ(cal.events[0].fields.status, EventStatus::Cancelled);
    EXPECT_EQ(cal.events[0].fields.start.utc, utc(2024, 4, 23, 16));
    EXPECT_TRUE(
        tpl.subject().starts_with("Cancelled: Chorprobe; Sopran, Alt @ Tue 23 Apr 2024 "
                                  "18:00 - 20:00"))
        << tpl.subject();
}

TEST(Invitation, AllDayUtcAndFloatingKeepTheirForm) {
    Event e;
    e.id = "ev-2";
    e.fields.summary = "Sommerfest";
    e.fields.start = CalTime{utc(2024, 6, 10), "20240610", true, false};
    e.fields.end = CalTime{utc(2024, 6, 12), "20240612", true, false};
    e.fields.all_day = true;
    const auto r = recipient("a@example.com", "");
    auto ev = read_back(imip::InvitationTemplate(input(e)).render(r)).calendar.events.at(0);
    EXPECT_EQ(ev.fields.start, e.fields.start);
    EXPECT_EQ(ev.fields.end, e.fields.end);
    EXPECT_TRUE(ev.fields.all_day);

    e.fields.all_day = false;
    e.fields.start = CalTime{utc(2024, 6, 10, 12), "20240610T120000Z", false, false};
    e.fields.end = CalTime{utc(2024, 6, 10, 13), "20240610T130000Z", false, false};
    ev = read_back(imip::InvitationTemplate(input(e)).render(r)).calendar.events.at(0);
    EXPECT_EQ(ev.fields.start, e.fields.start);
    EXPECT_EQ(ev.fields.timezone, "");

    e.fields.start = CalTime{utc(2024, 6, 10, 7), "20240610T070000", false, true};
    e.fields.end = CalTime{utc(2024, 6, 10, 8), "20240610T080000", false, true};
    ev = read_back(imip::InvitationTemplate(input(e)).render(r)).calendar.events.at(0);
    EXPECT_EQ(ev.fields.start, e.fields.start);
    EXPECT_TRUE(ev.fields.start.floating);
}

TEST(Invitation, ZoneWithoutWrittenLocalTimeIsComputed) {
    Event e;
    e.id = "ev-3";
    e.fields.summary = "API event";
    e.fields.timezone = "America/New_York";
    e.fields.start.utc = utc(2024, 7, 4, 16);  // 12:00 EDT
    e.fields.end.utc = utc(2024, 7, 4, 17);
    const std::string raw = imip::InvitationTemplate(input(e)).render(recipient("a@x.org", ""));
    const auto ev = read_back(raw).calendar.events.at(0);
    EXPECT_EQ(ev.fields.start.local, "20240704T120000");
    EXPECT_EQ(ev.fields.start.utc, e.fields.start.utc);
}

TEST(Invitation, UnknownIanaZoneFallsBackToUtc) {
    Event e;
    e.id = "ev-5";
    e.fields.summary = "Somewhere";
    e.fields.timezone = "Mars/Olympus_Mons";
    e.fields.start = CalTime{utc(2024, 7, 1, 8), "20240701T100000", false, false};
    e.fields.end = CalTime{utc(2024, 7, 1, 9), "20240701T110000", false, false};
    const std::string raw = imip::InvitationTemplate(input(e)).render(recipient("a@x.org", ""));
    const std::string calendar = mail::parse_inbound(raw).calendars.at(0).text;
    EXPECT_EQ(calendar.find("TZID"), std::string::npos);
    EXPECT_NE(calendar.find("\r\nDTSTART:20240701T080000Z\r\n"), std::string::npos);
}

TEST(Invitation, HostileFieldsCannotBreakTheMessage) {
    Event e = weekly_event();
    e.fields.summary = "Evil\r\nBCC: x@example.com\r\n\r\nBEGIN:VEVENT \xFF\xFE";
    const imip::InvitationTemplate tpl(input(e));
    auto r = recipient("alice@example.com\r\nBcc: victim@example.com", "A\r\nB: c");
    r.unsubscribe_url = "https://x/\r\nInjected: yes";
    const std::string raw = tpl.render(r);
    const std::string headers = raw.substr(0, raw.find("\r\n\r\n") + 2);
    EXPECT_EQ(headers.find("\r\nBcc:"), std::string::npos) << headers;
    EXPECT_EQ(headers.find("\r\nBCC:"), std::string::npos) << headers;
    EXPECT_EQ(headers.find("\r\nB: c"), std::string::npos) << headers;
    EXPECT_EQ(headers.find("\r\nInjected:"), std::string::npos) << headers;
    for (unsigned char c : raw) ASSERT_LT(c, 0x80);
    const auto cal = read_back(raw).calendar;
    ASSERT_EQ(cal.events.size(), 2u);
    EXPECT_EQ(cal.events[0].fields.summary,
              "Evil\nBCC: x@example.com\n\nBEGIN:VEVENT \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Invitation, CustomZoneIsReemittedWithItsTzid) {
    Event e;
    e.id = "ev-4";
    e.fields.summary = "Custom";
    e.fields.vtimezone =
        "BEGIN:VTIMEZONE\nTZID:(UTC+05:30) Mars\\, Base\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
        "TZOFFSETFROM:+0530\nTZOFFSETTO:+0530\nEND:STANDARD\nEND:VTIMEZONE\n";
    e.fields.start = CalTime{utc(2024, 7, 1, 3, 30), "20240701T090000", false, false};
    e.fields.end = CalTime{utc(2024, 7, 1, 4, 30), "20240701T100000", false, false};
    const std::string raw = imip::InvitationTemplate(input(e)).render(recipient("a@x.org", ""));
    const auto cal = read_back(raw).calendar;
    ASSERT_EQ(cal.events.size(), 1u);
    EXPECT_EQ(cal.events[0].fields.start.utc, e.fields.start.utc);
    EXPECT_EQ(cal.events[0].fields.start.local, "20240701T090000");
}
