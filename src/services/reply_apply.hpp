#pragma once
// The rsvp@ processor (SPEC §3.3): attendees' answers, authenticated by the per-recipient
// UID CIS issued (not by DKIM). Called by apply() inside the caller's transaction, with
// the message already stored raw in the inbound log.
//
// REPLY   → the invitee's Yes / No / Maybe (raw PARTSTAT kept), client family from PRODID,
//           a history row for every answer; an older answer never replaces a newer one;
//           an answer for one occurrence is kept in the history.
// COUNTER → recorded and forwarded to the organizer as a notification.
// REFRESH → the current invitation is sent to that attendee again.
// A UID CIS never issued, or an answer naming another invitee of the event, is
// quarantined (stored, not counted). An answer from an address never invited but
// carrying a genuine UID makes a new attendee of origin "forwarded". Auto-replies are
// stored and ignored.
#include <cstdint>
#include <string>
#include <vector>

#include "services/intake.hpp"

namespace cis::services {

struct ReplyOutcome {
    std::string status;  // recorded / stale / counter / refresh / quarantined / auto_reply /
                         // ignored, or mixed
    std::string reason;  // one sentence per answer, for people
    std::vector<std::string> event_ids;
    std::string details_json;  // per answer: uid, outcome, attendee, status, client
    bool work_queued = false;  // a notification or a resend was queued
};

ReplyOutcome apply_replies(store::Tx& tx, const Prepared& p, const IntakePolicy& policy,
                           std::int64_t inbound_id, std::int64_t now);

}  // namespace cis::services
