#include "core/address.hpp"
#include "dkim/dkim.hpp"
#include "services/ids.hpp"
#include "services/intake.hpp"

namespace cis::services {

bool sender_needs_dkim(store::Store& store, const IntakePolicy& policy, const std::string& sender) {
    bool needed = false;
    store.read([&](store::Tx& tx) {
        if (auto o = tx.find_organizer(sender)) {
            needed = o->trust == "default" ? policy.require_dkim
                                           : (o->trust == "dkim" || o->trust == "both");
        } else {
            needed = policy.require_dkim && tx.organizer_domain_allowed(domain_part(sender));
        }
    });
    return needed;
}

Prepared prepare(Delivery d, const Route& route, const dkim::Verifier& verifier,
                 const DkimNeed& needs_dkim) {
    Prepared p;
    p.route = route;
    p.sha256 = sha256_hex(d.raw);
    p.mail = mail::parse_inbound(d.raw);
    // Only create@ (and bulk@) act on the organizer's authority; they alone need
    // the calendar parsed and the signature checked now.
    if (route.mailbox == Mailbox::Create || route.mailbox == Mailbox::Bulk) {
        if (route.mailbox == Mailbox::Create) {
            for (const auto& part : p.mail.calendars)
                p.calendars.push_back(ical::parse_calendar(part.text));
            // A CSV of events attached for a batch import (SPEC §3.6). A text/plain
            // attachment is a list only at bulk@; at create@ it is somebody's notes.
            for (const auto& t : p.mail.tables)
                if (t.content_type != "text/plain")
                    p.imports.push_back(read_csv_import(
                        t.text, t.filename.empty() ? "the CSV part" : "attachment " + t.filename,
                        d.received_at));
        }
        if (!p.mail.from_address.empty() && needs_dkim(p.mail.from_address)) {
            const auto result = verifier.verify(d.raw, domain_part(p.mail.from_address));
            p.dkim_checked = true;
            p.dkim_aligned = result.aligned_pass;
            p.dkim_temporary = result.temporary_failure;
            p.dkim_reason = result.reason;
        }
    }
    // rsvp@: answers are authenticated by their per-recipient UID, not by DKIM (Google
    // sends an attendee's answer from their address through its own servers, SPEC §3.3).
    if (route.mailbox == Mailbox::Rsvp)
        for (const auto& part : p.mail.calendars) p.replies.push_back(ical::parse_reply(part.text));
    p.delivery = std::move(d);
    return p;
}

}  // namespace cis::services
