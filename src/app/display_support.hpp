#pragma once
// What the display and statistics routes share: cursor paging of up to 2 500 rows,
// checks of enumerated filters, and the full JSON of an event.
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/api_support.hpp"

namespace cis::app::api {

constexpr std::size_t kMaxListingPage = 2500;

// `?limit=` (1 to 2 500, 100 by default; more is cut to 2 500) and `?cursor=` decoded for
// `listing` into the key it carries ("" on the first page). Nullopt after answering 400.
struct ListingPage {
    std::size_t limit = 100;
    std::string after;
};
std::optional<ListingPage> listing_page(const Request& req, const Respond& respond,
                                        const char* listing);

// True when `value` is empty or one of `allowed`; otherwise answers 400 naming them.
template <typename List>
bool one_of(const std::string& value, const List& allowed, const char* name,
            const Respond& respond) {
    if (value.empty()) return true;
    std::string names;
    for (const char* a : allowed) {
        if (value == a) return true;
        names += names.empty() ? a : std::string(", ") + a;
    }
    respond(http::json_error(
        400, "invalid_parameter",
        std::string(name) + " must be one of " + names + ", not \"" + value + "\""));
    return false;
}

// The event, if it exists and the key covers its organizer (otherwise answers 404/403),
// with `more` run in the same read transaction: one snapshot, one transaction a request.
std::optional<Event> read_event_for(ApiContext& ctx, const store::ApiKey& key,
                                    const std::string& id, const Respond& respond,
                                    const std::function<void(store::Tx&, const Event&)>& more);

// services::event_json plus what a display needs: status as stored (tentative too),
// start and end in UTC next to the local times, and the recurrence in one object.
nlohmann::json event_display_json(const Event& e);

}  // namespace cis::app::api
