#pragma once
// Sending from a public page (POST /p/{id}/send, SPEC §5): which of the selected events
// the page may send, and one invitation per event through request_invite with the page's
// kind as origin. The visitor sees an outcome per event, never another person's data.
#include <cstdint>
#include <string>
#include <vector>

#include "services/invites.hpp"
#include "store/store.hpp"

namespace cis::services {

// The visitor's selection checked against the page's events (page_events): duplicates
// dropped, order kept. `not_on_page` counts ids the page does not show.
struct PageSelection {
    std::vector<const Event*> events;  // point into the page's events
    std::size_t not_on_page = 0;
};
PageSelection select_page_events(const std::vector<Event>& page_events,
                                 const std::vector<std::string>& requested_ids);

enum class PageSendOutcome { Sent, AlreadyInvited, Cancelled, Over, NotSent };

struct PageSendResult {
    std::string event_id;
    PageSendOutcome outcome = PageSendOutcome::NotSent;
};

// In one write transaction: an invitation to `email` (checked, lower-cased) for each
// event id, origin `origin` (the page's kind), no API key. Suppressed addresses and other
// refusals come back as NotSent without detail.
std::vector<PageSendResult> send_page_invitations(store::Tx& tx,
                                                  const std::vector<std::string>& event_ids,
                                                  const std::string& email,
                                                  const std::string& origin,
                                                  const InviteContext& c);

}  // namespace cis::services
