#pragma once
// Which events a public page shows (and its feed carries): a landing page its one event, an
// upcoming or schedule page the organizer's events not yet over whose text contains the
// page's filter, in start order. One rule for the page, its send form and its feed, so a
// visitor can never be sent (or subscribe to) an event the page does not show.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace cis::services {

// The most events one page shows: a season of a league is ~2 500 games.
inline constexpr std::size_t kMaxPageEvents = 5000;

// `with_cancelled`: feeds keep cancelled events until they would have ended, so
// subscribers' calendars see the cancellation.
std::vector<Event> page_events(store::Tx& tx, const store::Page& page, std::int64_t now,
                               bool with_cancelled = false);

// The event `event_id` with its moved instances, when the page shows it (and not
// cancelled): for the per-event links of a page (download, add to a calendar), without
// reading the page's thousands of events when one lookup decides.
std::optional<Event> page_event(store::Tx& tx, const store::Page& page, const std::string& event_id,
                                std::int64_t now);

}  // namespace cis::services
