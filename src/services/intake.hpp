#pragma once
// The inbound processor for create@ (SPEC §3.1), in two steps:
//   prepare() — the expensive, state-free part (MIME, iCalendar, DKIM); runs on any thread;
//   apply()   — decides and writes inside the caller's transaction, so that decisions
//               for one (organizer, UID) are serialised with the writes they depend on.
// Every message is stored raw with its outcome in the same transaction: nothing
// accepted is lost, failures included.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ical/parse_calendar.hpp"
#include "ical/parse_reply.hpp"
#include "mail/inbound_message.hpp"
#include "services/fanout.hpp"
#include "services/import_file.hpp"
#include "services/routing.hpp"
#include "store/store.hpp"

namespace cis::dkim {
class Verifier;
}

namespace cis::services {

struct IntakePolicy {
    std::string domain = "localhost";
    MailboxNames mailboxes;
    bool require_dkim = true;         // installation default for organizers with trust "default"
    bool accept_past_events = false;  // testing and back-filling only
    std::int64_t default_event_limit = 0;  // upcoming events per organizer; 0 = no limit
    std::string public_url = "http://127.0.0.1:8080";  // for links in notifications
    std::string notification_local = "notification";
    FanOutSettings fanout;  // updates and cancels to the invitees
    std::string uid_key;    // per-recipient UIDs (for attendees an invitation was forwarded to)
};

struct Delivery {
    std::string channel;  // smtp / ingest / http
    std::string mail_from, rcpt, remote;
    std::string raw;
    std::int64_t received_at = 0;
};

struct Prepared {
    Delivery delivery;
    Route route;
    mail::InboundMessage mail;
    std::vector<ical::ParsedCalendar> calendars;  // one per distinct calendar part (create@)
    std::vector<ical::ParsedReply> replies;       // one per calendar part (rsvp@)
    std::vector<ImportFile> imports;  // CSV files of events attached to a create@ message
    bool dkim_checked = false;
    bool dkim_aligned = false;
    bool dkim_temporary = false;  // a key lookup failed for now: ask the sender to retry
    std::string dkim_reason;
    std::string sha256;
};

// Whether the sender's mail must carry aligned DKIM: their organizer trust, or the
// installation default. Unknown senders need none: they are refused anyway, and
// looking up keys for strangers would let anyone make us query DNS.
using DkimNeed = std::function<bool(const std::string& sender)>;
bool sender_needs_dkim(store::Store& store, const IntakePolicy& policy, const std::string& sender);

// Parses and, when `needs_dkim(sender)` says so, verifies DKIM (which may block on DNS).
Prepared prepare(Delivery d, const Route& route, const dkim::Verifier& verifier,
                 const DkimNeed& needs_dkim);

struct IntakeResult {
    std::int64_t inbound_id = 0;
    std::string status;  // created / updated / … / rejected / mixed / stored
    std::string reason;
    std::vector<std::string> event_ids;
    bool bad_message = false;  // unreadable or without a usable calendar (ingest exit 65)
    bool notified = false;
};

IntakeResult apply(store::Tx& tx, const Prepared& p, const IntakePolicy& policy, std::int64_t now);

}  // namespace cis::services
