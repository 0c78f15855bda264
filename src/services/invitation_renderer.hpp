#pragma once
// Renders the calendar messages of the outbox (invitations, resends, updates,
// cancellations) from the event as it is at send time, with templates cached per
// (event, sequence, kind) so a fan-out builds the expensive part once. A message to an
// address suppressed since it was queued is not rendered: the job becomes obsolete.
#include <string>

#include "services/outbox_worker.hpp"
#include "services/unsubscribe.hpp"  // unsubscribe_token(), for the links

namespace cis::services {

struct RenderSettings {
    std::string domain;  // rsvp@<domain> is ORGANIZER and From:
    std::string rsvp_local;
    std::string public_url;  // for unsubscribe links
    std::string token_key;   // signs unsubscribe tokens
};

Renderer invitation_renderer(const RenderSettings& s);

}  // namespace cis::services
