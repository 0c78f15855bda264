#pragma once
// The rules of SPEC §3.3 for rsvp@ as pure functions: what a PARTSTAT means, which client
// family wrote a reply, which ATTENDEE line answers an invitation, whether a reply is
// newer than what is stored, and whether a message is an automatic answer (out of office)
// rather than a person's. Nothing is read or written here; the caller brings the facts.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.hpp"
#include "core/reply.hpp"

namespace cis::itip {

// ---- PARTSTAT → Yes / No / Maybe ----------------------------------------------------

enum class Rsvp { Yes, No, Maybe, None };
const char* to_string(Rsvp r);  // "yes", "no", "maybe", "none"

struct PartstatStatus {
    Rsvp status = Rsvp::None;
    std::string raw;          // the PARTSTAT as sent, trimmed (kept whatever it says)
    bool recognised = false;  // one of RFC 5545's values for a VEVENT
    bool delegated = false;   // DELEGATED: see below
};

// Case-insensitive. ACCEPTED → Yes, DECLINED → No, TENTATIVE → Maybe, NEEDS-ACTION and an
// absent PARTSTAT → None. DELEGATED → No: the delegator will not come; the attendee's
// DELEGATED-TO (kept on ReplyAttendee) names who comes instead, and the delegate answers
// in a reply of their own (RFC 5546 §3.2.2.3), which then arrives as a forwarded reply.
// Anything else — an x-name, an unknown token, VTODO's COMPLETED/IN-PROCESS — → None with
// recognised = false and the raw value kept.
PartstatStatus status_of_partstat(std::string_view partstat);

// ---- Client family from PRODID ----------------------------------------------------

enum class ClientFamily { Google, Microsoft, Apple, Mozilla, Other };
const char* to_string(ClientFamily f);  // "google", "microsoft", "apple", "mozilla", "other"

// Case-insensitive look for the vendor in PRODID, as the corpus shows them:
//   google     "-//Google Inc//Google Calendar 70.9054//EN"
//   microsoft  "-//Microsoft Corporation//Outlook 14.0 MIMEDIR//EN", "…//Outlook for Mac
//              MIMEDIR//EN", "Microsoft Exchange Server 2010", "Microsoft CDO for Microsoft
//              Exchange" (checked before Apple: "Outlook for Mac" is Microsoft's)
//   mozilla    "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN" (Thunderbird, Lightning)
//   apple      "-//Apple Inc.//iPhone 3.0//EN", "…//iOS 5.0.1//EN", "…//Mac OS X 10.8.5//EN",
//              "…//iCal 5.0.1//EN" (also with the vendor anonymised: "//iCal 3.0//"), and
//              iCloud's CalendarServer "-//CALENDARSERVER.ORG//NONSGML Version 1//EN"
//   other      everything else: BlueMind (also when its MAPI connector answers for an
//              Outlook user: the PRODID is BlueMind's), Android Email, Lotus Notes, Tine 2.0,
//              Yahoo, Zimbra, BlackBerry, an empty PRODID.
ClientFamily client_family(std::string_view prodid);

// ---- Which ATTENDEE answers -------------------------------------------------------

enum class AttendeeMatch {
    Exact,      // the invited address (case-insensitive), or it as the EMAIL= parameter
    Tolerant,   // the same mailbox written differently: +tag stripped (Outlook) or added,
                // Gmail's dots and googlemail.com
    Forwarded,  // the reply's only ATTENDEE is another address: someone the invitation was
                // forwarded to. Reported, not decided: the caller checks the UID's origin.
    None,       // no ATTENDEE, or several and none of them the invited one
};
const char* to_string(AttendeeMatch m);

struct AttendeeChoice {
    AttendeeMatch match = AttendeeMatch::None;
    const ReplyAttendee* attendee = nullptr;  // into the ReplyEvent; null for None
    std::string how;                          // a short explanation for logs and history
};

// `invited` is the address the invitation (and its per-recipient UID) was sent to.
AttendeeChoice choose_attendee(const ReplyEvent& event, std::string_view invited);

// ---- Ordering of replies ------------------------------------------------------------

// Whether a reply may overwrite the stored one (RFC 5546 §2.1.5): a higher SEQUENCE wins, a
// lower one never does; with equal SEQUENCE only a later DTSTAMP wins — an equal DTSTAMP is
// the same answer again, and an older reply never overwrites a newer one. Give each side
// ReplyEvent::version(), whose DTSTAMP already takes Outlook's X-MICROSOFT-CDO-REPLYTIME.
bool is_newer(const Version& reply, const Version& stored);

// The same, and when SEQUENCE and DTSTAMP are both equal, the later receipt wins (an equal
// or unknown (0) receipt time does not). iOS and Outlook for Mac echo the invitation's
// DTSTAMP in every reply (corpus: apple-ios-reply-*.eml, outlook-mac2011-reply-*.eml), so
// an attendee who accepts and then declines from them sends two replies that differ in
// nothing but PARTSTAT and the mail's arrival; without this the change of mind is lost.
bool is_newer(const Version& reply, std::int64_t reply_received, const Version& stored,
              std::int64_t stored_received);

// ---- Automatic answers --------------------------------------------------------------

// The headers that mark automatic mail, as written ("" when absent); see
// mail::InboundMessage. `carries_calendar_reply`: the message holds an iTIP REPLY/COUNTER.
struct AutoReplyHeaders {
    std::string subject;
    std::string auto_submitted;  // RFC 3834
    std::string x_autoreply;
    std::string x_autorespond;
    std::string precedence;
    bool carries_calendar_reply = false;
};

struct AutoReplyVerdict {
    bool auto_reply = false;
    std::string reason;  // which header or subject said so; "" when not
};

// An out-of-office or other automatic answer: Auto-Submitted other than "no" (RFC 3834),
// X-Autoreply or X-Autorespond, Precedence auto_reply/bulk/junk, or a subject starting with
// an autoresponder's prefix ("Automatic reply", "Out of Office", "Abwesenheitsnotiz",
// "Réponse automatique", …; only as a prefix, so "Accepted: Out of office planning" is a
// person's answer). One exception: "Auto-Submitted: auto-generated" on a message that
// carries a calendar reply is not an auto-reply — Google Calendar marks every genuine
// RSVP that way (corpus: replies/google-reply-*-2012.eml, google-counter-*.eml).
AutoReplyVerdict detect_auto_reply(const AutoReplyHeaders& h);

}  // namespace cis::itip
