#pragma once
// Outgoing invitations (SPEC §3.2, §3.4; CLIENT-QUIRKS §7), built for fan-out speed.
//
// An InvitationTemplate holds every byte of a message that does not depend on the
// recipient, prepared once per (event version, kind, organizer name): headers, the
// quoted-printable text and HTML bodies, and the calendar as folded pieces around the
// per-recipient UID and ATTENDEE lines (see calendar_template.hpp). render() then only
// concatenates: the To, Message-ID and List-Unsubscribe headers, the two calendar lines,
// and one base64 encoding of the calendar, used for both the text/calendar part and the
// invite.ics attachment (the two are identical, as Google's are).
//
// Message shape (Google's, CalConnect's tested layout):
//   multipart/mixed
//     multipart/alternative
//       text/plain; charset=UTF-8                        quoted-printable
//       text/html; charset=UTF-8                         quoted-printable
//       text/calendar; charset=UTF-8; method=REQUEST     base64
//     application/ics; name="invite.ics" (attachment)   base64
// Calendar parts are base64 so that no relay rewrites them (8BITMIME downgrades would
// break DKIM) and so that their CRLFs survive; every line of the message is 7-bit.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "imip/calendar_template.hpp"
#include "imip/kind.hpp"

namespace cis::imip {

struct TemplateInput {
    explicit TemplateInput(const Event& e) : event(e) {}
    const Event& event;  // must outlive the constructor call only
    Kind kind = Kind::Invitation;
    // Display name for From: and ORGANIZER's CN. Empty: From: is the bare address and
    // ORGANIZER has no CN (an address as display name looks like spoofing to filters).
    std::string organizer_name;
    std::string rsvp_address;  // "rsvp@example.org": ORGANIZER and From:
    std::string reply_to;      // optional Reply-To: (e.g. the organizer's own address)
    std::int64_t dtstamp = 0;  // epoch seconds: DTSTAMP and Date:
    std::string prodid = "-//CIS//Calendar Invite Server//EN";
    std::string message_id_domain;  // right side of Message-ID
    // Cancellation only: the recurrence keys ("20240508T080000Z" / "20240508") of the
    // occurrences cancelled; empty cancels the whole event.
    std::vector<std::string> occurrences;
};

struct Recipient {
    std::string email;            // normalised address; IDN domains as the caller wants them sent
    std::string name;             // display name, may be empty
    std::string uid;              // per-recipient UID, see recipient_uid()
    std::string unsubscribe_url;  // https URL for RFC 8058 one-click; may be empty
    std::string unsubscribe_mailto;  // "unsubscribe+token@example.org"; may be empty
    // Left side of Message-ID, unique per message. Empty: derived from the UID, the
    // SEQUENCE, the kind and DTSTAMP, so a resent message keeps its Message-ID.
    std::string message_id_local;
};

class InvitationTemplate {
  public:
    // The expensive part, once per event version: ≈15-30 µs, plus ≈1-3 ms the first
    // time a (zone, year) VTIMEZONE is generated (cached process-wide).
    explicit InvitationTemplate(const TemplateInput& in);

    // The cheap part, once per recipient: the whole RFC 5322 message, CRLF line endings,
    // 7-bit. Thread-safe (const; per-thread scratch buffers).
    std::string render(const Recipient& r) const;
    // The Message-ID render() writes for `r`, without angle brackets.
    std::string message_id(const Recipient& r) const;

    const std::string& method() const { return calendar_.method(); }  // "REQUEST" / "CANCEL"
    const std::string& subject() const { return subject_; }           // UTF-8, unencoded

  private:
    void append_headers(std::string& out, const Recipient& r) const;
    void append_message_id(std::string& out, const Recipient& r) const;

    CalendarTemplate calendar_;
    std::string head_;     // From, Subject, Date, MIME-Version, Reply-To
    std::string body_;     // Content-Type ... the text/calendar part's header block
    std::string between_;  // end of the alternative, the attachment's header block
    std::string tail_;     // closing boundary
    std::string subject_;
    std::string message_id_domain_;
    std::string message_id_suffix_;  // ".<kind><sequence>.<dtstamp>" of derived ids
};

}  // namespace cis::imip
