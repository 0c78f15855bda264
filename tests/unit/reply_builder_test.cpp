// Simulated replies (imip/reply_builder) to invitations CIS renders itself, read back with
// CIS's own readers: mail (GMime), the reply parser (libical) and the reply rules. The
// independent check (Python's email and icalendar) is tests/support/check_simulated_replies.py.
#include <gtest/gtest.h>

#include <string>

#include "core/time.hpp"
#include "ical/parse_reply.hpp"
#include "imip/invitation.hpp"
#include "imip/recipient_uid.hpp"
#include "imip/reply_builder.hpp"
#include "itip/reply_rules.hpp"
#include "mail/inbound_message.hpp"

using namespace cis;
using imip::ReplyClient;
using imip::ReplyPartstat;

namespace {

std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0) {
    return civil_to_epoch(CivilTime{y, mo, d, h, mi, 0});
}

constexpr const char* kAttendee = "ann+cis@example.org";
constexpr const char* kRsvp = "rsvp@cis.example.org";

Event berlin_event() {
    Event e;
    e.id = "ev-berlin";
    e.sequence = 2;
    e.fields.summary = "Größenplanung: Äpfel, Öl & Übermut; ein sehr langer Titel für das Falten";
    e.fields.location = "Raum 3; Gebäude B";
    e.fields.start = CalTime{utc(2030, 5, 1, 8), "20300501T100000", false, false};
    e.fields.end = CalTime{utc(2030, 5, 1, 9, 30), "20300501T113000", false, false};
    e.fields.timezone = "Europe/Berlin";
    return e;
}

Event utc_event() {
    Event e;
    e.id = "ev-utc";
    e.fields.summary = "Standup";
    e.fields.start = CalTime{utc(2030, 3, 4, 9), "20300304T090000Z", false, false};
    e.fields.end = CalTime{utc(2030, 3, 4, 9, 15), "20300304T091500Z", false, false};
    return e;
}

Event allday_event() {
    Event e;
    e.id = "ev-allday";
    e.sequence = 1;
    e.fields.summary = "Betriebsausflug";
    e.fields.start = CalTime{utc(2030, 7, 1), "20300701", true, false};
    e.fields.end = CalTime{utc(2030, 7, 2), "20300702", true, false};
    e.fields.all_day = true;
    return e;
}

std::string invitation(const Event& e, imip::Kind kind = imip::Kind::Invitation) {
    imip::TemplateInput in(e);
    in.kind = kind;
    in.organizer_name = "Müller, Hans";
    in.rsvp_address = kRsvp;
    in.dtstamp = utc(2030, 1, 2, 3, 4);
    in.message_id_domain = "cis.example.org";
    imip::Recipient r;
    r.email = kAttendee;
    r.name = "Ann Örtel";
    r.uid = imip::recipient_uid("key", e.id, r.email, "cis.example.org");
    return imip::InvitationTemplate(in).render(r);
}

itip::ClientFamily family_of(ReplyClient c) {
    switch (c) {
        case ReplyClient::Google:
            return itip::ClientFamily::Google;
        case ReplyClient::Outlook:
            return itip::ClientFamily::Microsoft;
        case ReplyClient::Apple:
            break;
    }
    return itip::ClientFamily::Apple;
}

// Every physical line of `text` (CRLF or LF separated), with its length in octets.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(at, end - at);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(std::move(line));
        at = end + 1;
    }
    return out;
}

void check_reply(const Event& e, ReplyClient client, ReplyPartstat partstat) {
    SCOPED_TRACE(std::string(e.id) + " " + imip::to_string(client) + " " +
                 imip::to_string(partstat));
    const std::string invite = invitation(e);
    const std::int64_t now = utc(2030, 1, 5, 12);
    const auto reply = imip::build_simulated_reply(invite, partstat, client, now);
    ASSERT_TRUE(reply.error.empty()) << reply.error;

    // The message: CRLF only, no line beyond RFC 5322's 998 octets.
    for (std::size_t i = 0; i < reply.message.size(); ++i)
        if (reply.message[i] == '\n') {
            ASSERT_TRUE(i > 0 && reply.message[i - 1] == '\r');
        }
    for (const auto& line : lines_of(reply.message)) EXPECT_LE(line.size(), 998u) << line;

    const auto mail = mail::parse_inbound(reply.message);
    EXPECT_EQ(mail.from_address, kAttendee);
    EXPECT_EQ(mail.subject, reply.subject);
    EXPECT_EQ(mail.date, now);
    ASSERT_EQ(mail.calendars.size(), 1u) << "Google's inline and attached copies are one";
    EXPECT_EQ(mail.calendars[0].method_param, "REPLY");
    // RFC 5545 §3.1: no calendar line longer than 75 octets.
    for (const auto& line : lines_of(mail.calendars[0].text)) EXPECT_LE(line.size(), 75u) << line;

    const auto parsed = ical::parse_reply(mail.calendars[0].text);
    ASSERT_TRUE(parsed.error.empty()) << parsed.error;
    const IncomingReply& r = parsed.reply;
    EXPECT_EQ(r.method, "REPLY");
    EXPECT_EQ(itip::client_family(r.prodid), family_of(client)) << r.prodid;
    ASSERT_EQ(r.events.size(), 1u);
    const ReplyEvent& ev = r.events[0];
    EXPECT_EQ(ev.uid, imip::recipient_uid("key", e.id, kAttendee, "cis.example.org"));
    EXPECT_EQ(ev.sequence, e.sequence);
    EXPECT_EQ(ev.summary, e.fields.summary);
    EXPECT_EQ(ev.organizer, kRsvp);
    ASSERT_EQ(ev.attendees.size(), 1u);
    EXPECT_EQ(ev.attendees[0].partstat, imip::to_string(partstat));
    EXPECT_EQ(ev.attendees[0].name, "Ann Örtel");
    const auto choice = itip::choose_attendee(ev, kAttendee);
    EXPECT_EQ(choice.match, itip::AttendeeMatch::Exact) << choice.how;
    ASSERT_TRUE(ev.start);
    EXPECT_EQ(ev.start->utc, e.fields.start.utc);
    EXPECT_EQ(ev.start->is_date, e.fields.all_day);
    ASSERT_TRUE(ev.end);
    EXPECT_EQ(ev.end->utc, e.fields.end.utc);
    if (client != ReplyClient::Google && !e.fields.timezone.empty()) {
        EXPECT_EQ(ev.tzid, e.fields.timezone) << "Outlook and iOS keep the invitation's zone";
    }
    // The newest reply's time: Google's own DTSTAMP, Outlook's REPLYTIME; iOS echoes the
    // invitation's DTSTAMP.
    EXPECT_EQ(ev.version().dtstamp, client == ReplyClient::Apple ? utc(2030, 1, 2, 3, 4) : now);

    const auto autoreply =
        itip::detect_auto_reply({mail.subject, mail.auto_submitted, mail.x_autoreply,
                                 mail.x_autorespond, mail.precedence, true});
    EXPECT_FALSE(autoreply.auto_reply) << autoreply.reason;
    if (client == ReplyClient::Google) {
        EXPECT_EQ(mail.auto_submitted, "auto-generated");
    }
}

const ReplyClient kClients[] = {ReplyClient::Google, ReplyClient::Outlook, ReplyClient::Apple};
const ReplyPartstat kPartstats[] = {ReplyPartstat::Accepted, ReplyPartstat::Declined,
                                    ReplyPartstat::Tentative};

TEST(ReplyBuilder, EveryClientAndPartstatReadsBack) {
    for (const Event& e : {berlin_event(), utc_event(), allday_event()})
        for (ReplyClient c : kClients)
            for (ReplyPartstat p : kPartstats) check_reply(e, c, p);
}

TEST(ReplyBuilder, SubjectsAsEachClientWritesThem) {
    const std::string invite = invitation(utc_event());
    const std::int64_t now = utc(2030, 1, 5, 12);
    const auto subject = [&](ReplyClient c, ReplyPartstat p) {
        return imip::build_simulated_reply(invite, p, c, now).subject;
    };
    EXPECT_EQ(subject(ReplyClient::Google, ReplyPartstat::Accepted),
              "Accepted: Standup @ Mon Mar 4, 2030 9am - 9:15am (UTC) (Ann Örtel)");
    EXPECT_EQ(subject(ReplyClient::Google, ReplyPartstat::Tentative).substr(0, 22),
              "Tentatively Accepted: ");
    EXPECT_EQ(subject(ReplyClient::Outlook, ReplyPartstat::Declined), "Declined: Standup");
    EXPECT_EQ(subject(ReplyClient::Outlook, ReplyPartstat::Tentative), "Tentative: Standup");
    EXPECT_EQ(subject(ReplyClient::Apple, ReplyPartstat::Accepted), "Accepted: Standup");
    EXPECT_EQ(subject(ReplyClient::Apple, ReplyPartstat::Tentative), "Maybe: Standup");
    EXPECT_EQ(imip::build_simulated_reply(invitation(allday_event()), ReplyPartstat::Declined,
                                          ReplyClient::Google, now)
                  .subject,
              "Declined: Betriebsausflug @ Mon Jul 1, 2030 (Ann Örtel)");
}

TEST(ReplyBuilder, ClientShapes) {
    const std::string invite = invitation(berlin_event());
    const std::int64_t now = utc(2030, 1, 5, 12);
    const auto google =
        imip::build_simulated_reply(invite, ReplyPartstat::Accepted, ReplyClient::Google, now);
    EXPECT_NE(google.message.find("Sender: Google Calendar <calendar-notification@google.com>"),
              std::string::npos);
    EXPECT_NE(google.message.find("Content-Type: application/ics; name=\"invite.ics\""),
              std::string::npos);
    const auto outlook =
        imip::build_simulated_reply(invite, ReplyPartstat::Accepted, ReplyClient::Outlook, now);
    EXPECT_NE(outlook.message.find("User-Agent: Microsoft-MacOutlook/14.2.1.120420"),
              std::string::npos);
    EXPECT_NE(outlook.message.find("Content-Type: text/calendar;method=REPLY;\r\n\tcharset=\"US-"
                                   "ASCII\";name=\"meeting.ics\""),
              std::string::npos);
    EXPECT_NE(outlook.message.find("To: <rsvp@cis.example.org>"), std::string::npos);
    const auto apple =
        imip::build_simulated_reply(invite, ReplyPartstat::Accepted, ReplyClient::Apple, now);
    EXPECT_NE(apple.message.find("\r\nFrom: ann+cis@example.org\r\n"), std::string::npos);
    EXPECT_NE(apple.message.find("Mime-Version: 1.0 (1.0)"), std::string::npos);
    EXPECT_NE(apple.message.find("name=meeting.ics;\tmethod=REPLY"), std::string::npos);
    // iOS writes the VEVENT's properties in alphabetical order.
    const auto cal = mail::parse_inbound(apple.message).calendars.at(0).text;
    std::vector<std::string> names;
    bool in_event = false;
    for (const auto& line : lines_of(cal)) {
        if (line == "BEGIN:VEVENT")
            in_event = true;
        else if (line == "END:VEVENT")
            in_event = false;
        else if (in_event && !line.starts_with(" "))
            names.push_back(line.substr(0, line.find_first_of(";:")));
    }
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    EXPECT_GE(names.size(), 10u);
}

TEST(ReplyBuilder, LaterOutlookAndAppleRepliesToOneInvitation) {
    // Outlook for Mac keeps the invitation's DTSTAMP but says when it answered; iOS says
    // nothing, so only the receipt time can order its replies (itip::is_newer's overload).
    const std::string invite = invitation(berlin_event());
    const auto read = [&](ReplyClient c, ReplyPartstat p, std::int64_t now) {
        const auto m = imip::build_simulated_reply(invite, p, c, now);
        return ical::parse_reply(mail::parse_inbound(m.message).calendars.at(0).text)
            .reply.events.at(0);
    };
    const auto first = read(ReplyClient::Outlook, ReplyPartstat::Accepted, utc(2030, 1, 5));
    const auto second = read(ReplyClient::Outlook, ReplyPartstat::Declined, utc(2030, 1, 6));
    EXPECT_EQ(first.dtstamp, second.dtstamp);
    EXPECT_TRUE(itip::is_newer(second.version(), first.version()));
    const auto a1 = read(ReplyClient::Apple, ReplyPartstat::Accepted, utc(2030, 1, 5));
    const auto a2 = read(ReplyClient::Apple, ReplyPartstat::Declined, utc(2030, 1, 6));
    EXPECT_FALSE(itip::is_newer(a2.version(), a1.version()));
    EXPECT_TRUE(itip::is_newer(a2.version(), utc(2030, 1, 6), a1.version(), utc(2030, 1, 5)));
}

TEST(ReplyBuilder, ClearErrors) {
    const std::int64_t now = utc(2030, 1, 5, 12);
    const auto cancel =
        imip::build_simulated_reply(invitation(berlin_event(), imip::Kind::Cancellation),
                                    ReplyPartstat::Accepted, ReplyClient::Google, now);
    EXPECT_TRUE(cancel.message.empty());
    EXPECT_NE(cancel.error.find("cancellation"), std::string::npos) << cancel.error;
    for (const std::string& raw :
         {std::string(), std::string("garbage\r\n\r\nnot mail"),
          std::string("Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r"
                      "\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:"
                      "VCALENDAR\r\n")}) {
        const auto r =
            imip::build_simulated_reply(raw, ReplyPartstat::Accepted, ReplyClient::Apple, now);
        EXPECT_TRUE(r.message.empty());
        EXPECT_FALSE(r.error.empty());
    }
    imip::ReplySource s;
    s.uid = "u";
    s.organizer_address = kRsvp;
    EXPECT_NE(imip::build_simulated_reply(s, ReplyPartstat::Accepted, ReplyClient::Google, now)
                  .error.find("attendee"),
              std::string::npos);
}

TEST(ReplyBuilder, FromEssentialsWithAnOccurrenceAndACustomZone) {
    imip::ReplySource s;
    s.uid = "occ-1@cis.example.org";
    s.recurrence_id = "20300608T080000Z";
    s.sequence = 3;
    s.dtstamp = utc(2030, 1, 2);
    s.summary = "Weekly";
    s.start = CalTime{utc(2030, 6, 8, 7), "20300608T100000", false, false};
    s.end = CalTime{utc(2030, 6, 8, 8), "20300608T110000", false, false};
    s.tzid = "(UTC+03:00) Custom, with: colon";
    s.vtimezones = {
        "BEGIN:VTIMEZONE\r\nTZID:(UTC+03:00) Custom\\, with: colon\r\nBEGIN:STANDARD\r\n"
        "DTSTART:16010101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"};
    s.organizer_address = kRsvp;
    s.attendee_address = "dora@example.org";
    for (ReplyClient c : kClients) {
        SCOPED_TRACE(imip::to_string(c));
        const auto reply =
            imip::build_simulated_reply(s, ReplyPartstat::Declined, c, utc(2030, 1, 5));
        ASSERT_TRUE(reply.error.empty()) << reply.error;
        const auto parsed =
            ical::parse_reply(mail::parse_inbound(reply.message).calendars.at(0).text);
        ASSERT_TRUE(parsed.error.empty()) << parsed.error;
        const auto& ev = parsed.reply.events.at(0);
        EXPECT_EQ(ev.recurrence_id, "20300608T080000Z");
        EXPECT_EQ(ev.attendees.at(0).partstat, "DECLINED");
        EXPECT_EQ(ev.start->utc, utc(2030, 6, 8, 7)) << "the custom zone's VTIMEZONE travels along";
    }
}

TEST(ReplyBuilder, NamesParse) {
    EXPECT_EQ(imip::parse_reply_client("Outlook"), ReplyClient::Outlook);
    EXPECT_EQ(imip::parse_reply_client("exchange"), std::nullopt);
    EXPECT_EQ(imip::parse_reply_partstat("tentative"), ReplyPartstat::Tentative);
    EXPECT_EQ(imip::parse_reply_partstat("NEEDS-ACTION"), std::nullopt);
}

}  // namespace
