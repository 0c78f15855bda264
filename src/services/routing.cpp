#include "services/routing.hpp"

#include "core/address.hpp"

namespace cis::services {

const char* to_string(Mailbox m) {
    switch (m) {
        case Mailbox::Create:
            return "create";
        case Mailbox::Bulk:
            return "bulk";
        case Mailbox::Rsvp:
            return "rsvp";
        case Mailbox::Bounce:
            return "bounce";
    }
    return "create";
}

std::optional<Route> route_recipient(const std::string& rcpt, const std::string& domain,
                                     const MailboxNames& names) {
    const std::string address = normalize_address(rcpt);
    if (address.empty() || domain_part(address) != normalize_address("x@" + domain).substr(2))
        return std::nullopt;
    std::string detail;
    const std::string base = base_local_part(local_part(address), &detail);
    if (base == names.create) return Route{Mailbox::Create, detail};
    if (base == names.bulk) return Route{Mailbox::Bulk, detail};
    if (base == names.rsvp) return Route{Mailbox::Rsvp, detail};
    if (base == names.bounce) return Route{Mailbox::Bounce, detail};
    return std::nullopt;
}

}  // namespace cis::services
