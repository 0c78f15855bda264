#include "services/page_events.hpp"

namespace cis::services {

std::vector<Event> page_events(store::Tx& tx, const store::Page& page, std::int64_t now,
                               bool with_cancelled) {
    if (page.kind == "landing") {
        auto e = tx.find_event_by_id(page.event_id);
        const bool shown = e && e->organizer == page.organizer &&
                           (!e->last_end || *e->last_end >= now) &&
                           (with_cancelled || e->fields.status != EventStatus::Cancelled);
        return shown ? std::vector<Event>{std::move(*e)} : std::vector<Event>{};
    }
    store::UpcomingFilter f;
    f.organizer = page.organizer;
    f.now = now;
    f.text = page.filter;
    f.with_cancelled = with_cancelled;
    f.with_occurrences = with_cancelled;  // feeds carry moved and cancelled instances
    f.limit = page.kind == "upcoming" ? 50 : kMaxPageEvents;
    return tx.upcoming_events(f);
}

}  // namespace cis::services
