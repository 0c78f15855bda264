#pragma once
// Renders the calendar messages of the outbox (invitations, resends, updates,
// cancellations) from the event as it is at send time, with templates cached per
// (event, sequence, kind) so a fan-out builds the expensive part once.
#include <string>

#include "services/outbox_worker.hpp"

namespace cis::services {

struct RenderSettings {
    std::string domain;  // rsvp@<domain> is ORGANIZER and From:
    std::string rsvp_local;
    std::string public_url;  // for unsubscribe links
    std::string token_key;   // signs unsubscribe tokens
};

Renderer invitation_renderer(const RenderSettings& s);

// The signed token of one-click unsubscribe links (RFC 8058) for an invitee.
std::string unsubscribe_token(std::string_view token_key, std::int64_t invitee_id);

}  // namespace cis::services
