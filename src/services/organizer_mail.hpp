#pragma once
// Messages to an organizer — notifications of what their mail did, invitee reports, bulk
// results — leave through the outbox like invitations, but ahead of them.
#include <cstdint>
#include <string>

#include "store/store.hpp"

namespace cis::services {

struct OrganizerMail {
    std::string kind = "notification";  // notification / report
    std::string event_id;               // "" when it concerns no one event
    std::string env_from;               // bounce@<domain>: a bounce of it suppresses nothing
    std::string rcpt;
    std::string message;  // the whole RFC 5322 message
};

// Queues the message due since the epoch, so the workers claim it before every invitation
// already waiting: a bulk job's result must not wait behind the 100 000 invitations it
// reports on. Returns the outbox id.
std::int64_t queue_organizer_mail(store::Tx& tx, OrganizerMail mail, std::int64_t now);

}  // namespace cis::services
