#pragma once
// What a message arriving at bounce+<token>@ says about the invitation it answers
// (SPEC §3.5). Pure: bytes in, verdict out; the caller finds the invitee from the token.
//
// Read, in this order:
//  1. an ARF feedback report (RFC 5965: multipart/report; report-type=feedback-report,
//     or a message/feedback-report part)                            → Complaint
//     (but Feedback-Type not-spam and auth-failure                 → NotABounce);
//  2. a DSN (RFC 3464/6533: a message/[global-]delivery-status part), read per
//     recipient; the failed recipient is reported before a delayed one before others;
//  3. the plain-text bounces of real MTAs (qmail, Exim, Yahoo "failure notice", old
//     Gmail, Zoho, Exchange, Postfix and sendmail without MIME), recognised by their
//     sender (MAILER-DAEMON, "Mail Delivery System"), X-Failed-Recipients, subject and
//     wording;
//  4. auto-replies (itip::detect_auto_reply, as for rsvp@: Auto-Submitted, X-Autoreply,
//     Precedence, subjects starting "Out of Office", "Automatic reply"...), read
//     receipts and anything else                                      → NotABounce.
//
// Decision table for a delivery failure (first matching row wins). Hard means the
// address is dead and may be suppressed; Soft means this message did not arrive, for
// reasons that say nothing certain about the address.
//
//   Action / wording                     Status (RFC 3463)      Kind
//   delivered, relayed, expanded         any                    NotABounce
//   delayed ("has been delayed")         any                    Soft
//   failed                               4.x.x                  Soft  (temporary)
//   failed                               X.2.2                  Soft  (mailbox full)
//   failed                               X.3.4                  Soft  (message too big)
//   failed                               X.4.7                  Soft  (delivery expired)
//   failed                               X.6.x                  Soft  (content refused)
//   failed                               5.7.x                  Soft  (policy, spam, auth)
//   failed                               other 5.x.x            Hard
//   failed, "mailbox full"/"over quota"  5.0.0 or none          Soft
//   failed, "spam"/"blocked"/"policy"    5.0.0 or none          Soft
//   failed                               5.0.0, or none + 5xx   Hard
//   failed                               none + 4xx reply       Soft
//   failed, "user unknown" & permanent   none, no SMTP code     Hard
//   failed                               none, no SMTP code     Soft  (nothing proves it)
//
// The status is the DSN's Status field; when that is generic (X.0.0) or absent, the
// enhanced code the remote server gave in its reply ("550 5.1.1 ..."), preferring one
// that follows an SMTP reply code over other codes in the text.
#include <string>
#include <string_view>

namespace cis::mail {

struct BounceReport {
    enum class Kind { Hard, Soft, Complaint, NotABounce } kind = Kind::NotABounce;
    // The failed or complaining address when the message says (Original-Recipient,
    // Final-Recipient, X-Failed-Recipients, the text of a plain bounce, ARF's
    // Original-Rcpt-To or the original message's To); domain lower-cased; "" if unknown.
    std::string recipient;
    std::string status;      // RFC 3463 enhanced code such as "5.1.1"; "" when unknown
    std::string diagnostic;  // the remote server's words, one line, trimmed, for people
    std::string reason;      // one sentence: why it was classified so
    // From the returned original (message/rfc822, text/rfc822-headers, or the copy at
    // the end of a plain bounce): Message-ID without <>, and Return-Path without <>.
    std::string original_message_id, original_envelope_from;
};

const char* to_string(BounceReport::Kind kind);  // "hard", "soft", "complaint", "not_a_bounce"

// Never throws; any bytes give a report (NotABounce with a reason when unreadable).
BounceReport classify_bounce(std::string_view raw_message);

}  // namespace cis::mail
