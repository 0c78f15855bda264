// The pure rules of rsvp@ (SPEC §3.3): tables of inputs and what each must give.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "itip/reply_rules.hpp"

namespace cis::itip {
namespace {

TEST(ReplyRules, PartstatToStatus) {
    struct Row {
        const char* partstat;
        Rsvp status;
        bool recognised, delegated;
    };
    const Row rows[] = {
        {"ACCEPTED", Rsvp::Yes, true, false},
        {"accepted", Rsvp::Yes, true, false},
        {" Declined ", Rsvp::No, true, false},
        {"TENTATIVE", Rsvp::Maybe, true, false},
        {"NEEDS-ACTION", Rsvp::None, true, false},
        {"", Rsvp::None, true, false},  // absent: RFC 5545's default, NEEDS-ACTION
        {"DELEGATED", Rsvp::No, true, true},
        {"\"DECLINED\"", Rsvp::No, true, false},
        {"X-MAYBE", Rsvp::None, false, false},
        {"COMPLETED", Rsvp::None, false, false},  // VTODO only
        {"IN-PROCESS", Rsvp::None, false, false},
        {"YES", Rsvp::None, false, false},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.partstat);
        const auto s = status_of_partstat(row.partstat);
        EXPECT_EQ(s.status, row.status);
        EXPECT_EQ(s.recognised, row.recognised);
        EXPECT_EQ(s.delegated, row.delegated);
    }
    EXPECT_EQ(status_of_partstat(" x-Maybe ").raw, "x-Maybe") << "the raw value is kept";
    EXPECT_STREQ(to_string(Rsvp::Maybe), "maybe");
}

TEST(ReplyRules, ClientFamilyFromProdid) {
    struct Row {
        const char* prodid;
        ClientFamily family;
    };
    // Every PRODID of shared/corpus (replies, requests, cancels, odd), and a few more.
    const Row rows[] = {
        {"-//Google Inc//Google Calendar 70.9054//EN", ClientFamily::Google},
        {"-//Google Inc//Google Calendar 70=2E9054//EN", ClientFamily::Google},  // QP leftover
        {"-//Microsoft Corporation//Outlook for Mac MIMEDIR//EN", ClientFamily::Microsoft},
        {"-//Microsoft Corporation//Outlook 14.0 MIMEDIR//EN", ClientFamily::Microsoft},
        {"-//Microsoft Corporation//Outlook 12.0 MIMEDIR//EN", ClientFamily::Microsoft},
        {"Microsoft Exchange Server 2010", ClientFamily::Microsoft},
        {"Microsoft Exchange Server 2007", ClientFamily::Microsoft},
        {"Microsoft CDO for Microsoft Exchange", ClientFamily::Microsoft},
        {"-//Apple Inc.//iPhone 3.0//EN", ClientFamily::Apple},
        {"-//Apple Inc.//iOS 5.0.1//EN", ClientFamily::Apple},
        {"-//Apple Inc.//Mac OS X 10.8.5//EN", ClientFamily::Apple},
        {"-//Apple Inc.//iCal 5.0.1//EN", ClientFamily::Apple},
        {"-//example Inc.//iCal 3.0//EN", ClientFamily::Apple},  // vendor anonymised
        {"-//Apple Computer\\, Inc//iCal 2.0//EN", ClientFamily::Apple},
        {"-//CALENDARSERVER.ORG//NONSGML Version 1//EN", ClientFamily::Apple},  // iCloud
        {"-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN", ClientFamily::Mozilla},
        {"-//Blue Mind//Blue Mind Calendar//FR", ClientFamily::Other},
        {"-//BlueMind//BlueMind Calendar//FR", ClientFamily::Other},
        {"AndroidEmail", ClientFamily::Other},
        {"-//Lotus Development Corporation//NONSGML Notes 8.5//EN", ClientFamily::Other},
        {"-//tine20.org//Tine 2.0 Calendar V4.0//EN", ClientFamily::Other},
        {"//Yahoo//Calendar//EN", ClientFamily::Other},
        {"Zimbra-Calendar-Provider", ClientFamily::Other},
        {"//RESEARCH IN MOTION//BIS 3.0", ClientFamily::Other},
        {"-//EXAMPLE:COM//iCal4j 1.0.5.2//EN", ClientFamily::Other},
        {"-//Open-Xchange//7.10.6-Rev3//EN", ClientFamily::Other},
        {"-//CIS//Calendar Invite Server//EN", ClientFamily::Other},
        {"", ClientFamily::Other},
    };
    for (const auto& row : rows) EXPECT_EQ(client_family(row.prodid), row.family) << row.prodid;
    EXPECT_STREQ(to_string(ClientFamily::Microsoft), "microsoft");
}

ReplyAttendee attendee(std::string address, std::string email = "") {
    ReplyAttendee a;
    a.address = std::move(address);
    a.raw = "mailto:" + a.address;
    a.email = std::move(email);
    return a;
}

ReplyEvent event(std::vector<ReplyAttendee> attendees) {
    ReplyEvent e;
    e.uid = "u";
    e.attendees = std::move(attendees);
    return e;
}

TEST(ReplyRules, ChooseAttendee) {
    struct Row {
        const char* name;
        std::vector<ReplyAttendee> attendees;
        const char* invited;
        AttendeeMatch match;
        int index;  // which attendee; -1 none
    };
    const Row rows[] = {
        {"exact", {attendee("ann@x.org")}, "ann@x.org", AttendeeMatch::Exact, 0},
        {"case and mailto", {attendee("ann@x.org")}, "MAILTO:Ann@X.ORG", AttendeeMatch::Exact, 0},
        {"the right one of several",
         {attendee("org@x.org"), attendee("bob@x.org"), attendee("ann@x.org")},
         "ann@x.org",
         AttendeeMatch::Exact,
         2},
        {"exact wins over tolerant",
         {attendee("ann@x.org"), attendee("ann+cis@x.org")},
         "ann+cis@x.org",
         AttendeeMatch::Exact,
         1},
        {"iCloud relay with EMAIL=",
         {attendee("2_abc@imip.me.com", "ann@icloud.com")},
         "ann@icloud.com",
         AttendeeMatch::Exact,
         0},
        {"Outlook strips +tags",
         {attendee("ann@x.org")},
         "ann+cis@x.org",
         AttendeeMatch::Tolerant,
         0},
        {"a +tag added", {attendee("ann+home@x.org")}, "ann@x.org", AttendeeMatch::Tolerant, 0},
        {"Gmail dots",
         {attendee("jane.doe@gmail.com")},
         "janedoe@googlemail.com",
         AttendeeMatch::Tolerant,
         0},
        {"dots elsewhere count",
         {attendee("jane.doe@x.org"), attendee("org@x.org")},
         "janedoe@x.org",
         AttendeeMatch::None,
         -1},
        {"forwarded", {attendee("carol@y.org")}, "ann@x.org", AttendeeMatch::Forwarded, 0},
        {"forwarded, a non-mail attendee aside",
         {attendee(""), attendee("carol@y.org")},
         "ann@x.org",
         AttendeeMatch::Forwarded,
         1},
        {"several, none invited",
         {attendee("carol@y.org"), attendee("dave@y.org")},
         "ann@x.org",
         AttendeeMatch::None,
         -1},
        {"no attendee", {}, "ann@x.org", AttendeeMatch::None, -1},
        {"only a urn", {attendee("")}, "ann@x.org", AttendeeMatch::None, -1},
        {"other domain is another person",
         {attendee("ann@y.org"), attendee("z@y.org")},
         "ann@x.org",
         AttendeeMatch::None,
         -1},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        const ReplyEvent ev = event(row.attendees);
        const auto c = choose_attendee(ev, row.invited);
        EXPECT_EQ(c.match, row.match) << to_string(c.match) << ": " << c.how;
        if (row.index < 0)
            EXPECT_EQ(c.attendee, nullptr);
        else
            EXPECT_EQ(c.attendee, &ev.attendees[static_cast<std::size_t>(row.index)]);
        EXPECT_FALSE(c.how.empty());
    }
}

TEST(ReplyRules, NewerBySequenceThenDtstamp) {
    struct Row {
        Version reply, stored;
        bool newer;
    };
    const Row rows[] = {
        {{1, 100}, {0, 900}, true},   // higher SEQUENCE wins whatever the DTSTAMP
        {{0, 900}, {1, 100}, false},  // an older SEQUENCE never overwrites
        {{2, 200}, {2, 100}, true},   // same SEQUENCE: the later DTSTAMP
        {{2, 100}, {2, 200}, false}, {{2, 100}, {2, 100}, false},  // the same answer again
        {{0, 0}, {0, 0}, false},     {{0, 50}, {0, 0}, true},      // a stored reply without DTSTAMP
    };
    for (const auto& row : rows)
        EXPECT_EQ(is_newer(row.reply, row.stored), row.newer)
            << row.reply.sequence << "/" << row.reply.dtstamp << " vs " << row.stored.sequence
            << "/" << row.stored.dtstamp;
}

TEST(ReplyRules, EqualVersionsFallBackToReceipt) {
    // iOS and Outlook for Mac echo the invitation's DTSTAMP: accept, then decline.
    const Version v{0, 1000};
    EXPECT_TRUE(is_newer(v, 2000, v, 1500));
    EXPECT_FALSE(is_newer(v, 1500, v, 2000));
    EXPECT_FALSE(is_newer(v, 1500, v, 1500));
    EXPECT_FALSE(is_newer(v, 0, v, 0)) << "unknown receipt times decide nothing";
    // Unequal versions: receipt times do not matter.
    EXPECT_FALSE(is_newer({0, 999}, 9999, v, 1));
    EXPECT_TRUE(is_newer({1, 0}, 1, v, 9999));
}

TEST(ReplyRules, AutoReplyDetection) {
    struct Row {
        const char* name;
        AutoReplyHeaders headers;
        bool auto_reply;
    };
    const Row rows[] = {
        {"a person's answer", {"Accepted: Team lunch", "", "", "", "", true}, false},
        {"Auto-Submitted: no", {"Accepted: x", "no", "", "", "", true}, false},
        {"RFC 3834 auto-replied", {"Re: Invitation", "auto-replied", "", "", "", false}, true},
        {"auto-replied with a comment",
         {"x", "auto-replied; owner-email=\"a@b\"", "", "", "", false},
         true},
        {"auto-generated without a calendar", {"x", "Auto-Generated", "", "", "", false}, true},
        {"Google Calendar's RSVP",
         {"Accepted: x @ Wed", "auto-generated", "", "", "", true},
         false},
        {"auto-replied with a calendar", {"x", "auto-replied", "", "", "", true}, true},
        {"X-Autoreply", {"x", "", "yes", "", "", false}, true},
        {"X-Autorespond", {"x", "", "", "Vacation", "", false}, true},
        {"Precedence bulk", {"x", "", "", "", "bulk", false}, true},
        {"Precedence junk", {"x", "", "", "", "Junk", false}, true},
        {"Precedence auto_reply", {"x", "", "", "", "auto_reply", false}, true},
        {"Precedence list is a list", {"x", "", "", "", "list", false}, false},
        {"Outlook", {"Automatic reply: Invitation: Planning", "", "", "", "", false}, true},
        {"Out of Office", {"Out of Office: Invitation", "", "", "", "", false}, true},
        {"German", {"Abwesenheitsnotiz: Einladung", "", "", "", "", false}, true},
        {"French", {"Réponse automatique : Invitation", "", "", "", "", false}, true},
        {"Lotus", {"AUTO: Ann is out of the office", "", "", "", "", false}, true},
        {"a subject only contains it",
         {"Accepted: Out of Office planning", "", "", "", "", true},
         false},
    };
    for (const auto& row : rows) {
        const auto v = detect_auto_reply(row.headers);
        EXPECT_EQ(v.auto_reply, row.auto_reply) << row.name << ": " << v.reason;
        EXPECT_EQ(v.reason.empty(), !row.auto_reply) << row.name;
    }
}

}  // namespace
}  // namespace cis::itip
