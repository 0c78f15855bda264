#include "dkim/dkim.hpp"
#include "services/ids.hpp"
#include "services/intake.hpp"
#include "core/address.hpp"

namespace cis::services {

Prepared prepare(Delivery d, const Route& route, const dkim::Verifier* verifier) {
    Prepared p;
    p.route = route;
    p.sha256 = sha256_hex(d.raw);
    p.mail = mail::parse_inbound(d.raw);
    // Only create@ (and bulk@) act on the organizer's authority; they alone need
    // the calendar parsed and the signature checked now.
    if (route.mailbox == Mailbox::Create) {
        for (const auto& part : p.mail.calendars) p.calendars.push_back(ical::parse_calendar(part.text));
        if (verifier && !p.mail.from_address.empty()) {
            const auto result = verifier->verify(d.raw, domain_part(p.mail.from_address));
            p.dkim_checked = true;
            p.dkim_aligned = result.aligned_pass;
            p.dkim_reason = result.reason;
        }
    }
    p.delivery = std::move(d);
    return p;
}

}  // namespace cis::services
