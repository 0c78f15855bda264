#pragma once
// Which CIS mailbox an envelope recipient names. Unknown local parts and other
// domains are refused at SMTP time (550 5.1.1), never silently dropped.
#include <optional>
#include <string>

namespace cis::services {

enum class Mailbox { Create, Bulk, Rsvp, Bounce };
const char* to_string(Mailbox m);

struct Route {
    Mailbox mailbox;
    std::string detail;  // after '+': create+<secret>, bounce+<token>
};

struct MailboxNames {  // the configurable local parts
    std::string create = "create", bulk = "bulk", rsvp = "rsvp", bounce = "bounce";
};

std::optional<Route> route_recipient(const std::string& rcpt, const std::string& domain,
                                     const MailboxNames& names = {});

}  // namespace cis::services
