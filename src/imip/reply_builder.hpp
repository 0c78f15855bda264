#pragma once
// Simulated attendee replies for the sandbox (issue 4, item 5): the message a recipient's
// calendar client would send back to CIS's rsvp@ address after answering an invitation,
// so that the reply processing can be tried without a real Google, Outlook or iPhone.
//
// Each client's message is shaped after its real replies in shared/corpus/replies/:
//   google   replies/google-reply-*-2012.eml, google-reply-*.ics: PRODID "-//Google
//            Inc//Google Calendar 70.9054//EN"; multipart/mixed{ multipart/alternative{
//            text/plain base64, text/html QP, text/calendar; method=REPLY (7bit, QP when
//            not ASCII) }, application/ics invite.ics base64 }; From the attendee with
//            Sender: calendar-notification@google.com and Auto-Submitted: auto-generated;
//            times rewritten in UTC (Google does so even for zoned invitations), the
//            attendee's CN its name or address, X-NUM-GUESTS=0; subject "Accepted: <summary>
//            @ <when> (<attendee>)", "Declined: …", "Tentatively Accepted: …".
//   outlook  replies/outlook-mac2011-reply-*.eml (the only real Outlook replies in the
//            corpus; they keep ORGANIZER, written MAILTO: without CN): PRODID
//            "-//Microsoft Corporation//Outlook for Mac MIMEDIR//EN";
//            multipart/alternative{ text/html QP, text/calendar;method=REPLY;
//            charset="US-ASCII";name="meeting.ics" }, 7bit (QP when not ASCII, keeping the
//            US-ASCII label Outlook for Mac puts on UTF-8); the invitation's DTSTAMP echoed
//            and the answer's time in X-MICROSOFT-CDO-REPLYTIME; ATTENDEE with
//            ROLE=OPT-PARTICIPANT;RSVP=FALSE; subject "Accepted: <summary>", "Declined: …",
//            "Tentative: …" and a Thread-Topic.
//   apple    replies/apple-ios-reply-*.eml: PRODID "-//Apple Inc.//iPhone 3.0//EN",
//            properties in alphabetical order, CN always quoted, the invitation's DTSTAMP
//            echoed; multipart/alternative{ text/plain, text/calendar; charset=utf-8;
//            name=meeting.ics; method=REPLY (QP) }; From: the bare address; subject
//            "Accepted: <summary>", "Declined: …", "Maybe: …" (the English counterparts of
//            the corpus' French iOS subjects "Acceptée :", "Refusée :", "Peut-être :").
// Every calendar has METHOD:REPLY and exactly one ATTENDEE, the invitee, with the chosen
// PARTSTAT; lines are folded at 75 octets. Pure: `now` is passed in, nothing is read.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace cis::imip {

enum class ReplyClient { Google, Outlook, Apple };
std::optional<ReplyClient> parse_reply_client(std::string_view s);  // "google", "outlook", "apple"
const char* to_string(ReplyClient c);

enum class ReplyPartstat { Accepted, Declined, Tentative };
std::optional<ReplyPartstat> parse_reply_partstat(std::string_view s);  // "ACCEPTED", … any case
const char* to_string(ReplyPartstat p);                                 // "ACCEPTED", …

// What a reply needs from the invitation it answers.
struct ReplySource {
    std::string uid;  // the per-recipient UID
    // The occurrence answered, as a canonical recurrence key ("20300608T080000Z" or
    // "20300608", see ical::recurrence_key); "" answers the whole event.
    std::string recurrence_id;
    std::int64_t sequence = 0;
    std::int64_t dtstamp = 0;  // the invitation's DTSTAMP (iOS and Outlook for Mac echo it)
    std::string summary, location;
    // DTSTART/DTEND as in the invitation: CalTime.local is the value as written ("…Z" for
    // UTC, a date for VALUE=DATE), `tzid` its TZID ("" for UTC, floating and dates).
    CalTime start, end;
    std::string tzid;
    std::vector<std::string> vtimezones;  // the VTIMEZONE components `tzid` needs, as text
    std::string organizer_address, organizer_name;  // rsvp@<domain> and its CN
    std::string attendee_address, attendee_name;
};

struct SimulatedReply {
    std::string message;  // the whole RFC 5322 message, CRLF line ends
    std::string subject;  // UTF-8, unencoded
    std::string error;    // set when nothing could be built (then `message` is empty)
};

SimulatedReply build_simulated_reply(const ReplySource& source, ReplyPartstat partstat,
                                     ReplyClient client, std::int64_t now);

// The essentials of an invitation CIS sent, read from the message's raw bytes (as the
// sandbox captured it) with CIS's own mail and iCalendar readers. The first VEVENT without
// RECURRENCE-ID is answered (the first VEVENT, and its occurrence, when all have one).
// `error` says why not.
struct ReplySourceResult {
    std::optional<ReplySource> source;
    std::string error;
};
ReplySourceResult reply_source_from_invitation(std::string_view invitation_raw);

// The sandbox endpoint's entry: reply_source_from_invitation, then the builder.
SimulatedReply build_simulated_reply(std::string_view invitation_raw, ReplyPartstat partstat,
                                     ReplyClient client, std::int64_t now);

}  // namespace cis::imip
