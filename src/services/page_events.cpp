#include "services/page_events.hpp"

#include <algorithm>
#include <cctype>

namespace cis::services {

namespace {

// SQLite's LIKE '%text%': ASCII letters in any case, everything else exactly.
bool contains_like(std::string_view hay, std::string_view needle) {
    const auto fold = [](unsigned char c) { return c < 0x80 ? std::tolower(c) : c; };
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                       [&](char a, char b) { return fold(a) == fold(b); }) != hay.end();
}

}  // namespace

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

std::optional<Event> page_event(store::Tx& tx, const store::Page& page, const std::string& event_id,
                                std::int64_t now) {
    if (page.kind != "schedule") {  // one event, or the next 50: read them as shown
        for (auto& e : page_events(tx, page, now))
            if (e.id == event_id) return tx.find_event_by_id(event_id);
        return std::nullopt;
    }
    // A schedule shows the organizer's events not over and not cancelled whose text holds
    // the filter: the same test as store::Tx::upcoming_events, on one event.
    auto e = tx.find_event_by_id(event_id);
    if (!e || e->organizer != page.organizer || e->fields.status == EventStatus::Cancelled ||
        (e->last_end && *e->last_end < now))
        return std::nullopt;
    const auto& f = e->fields;
    if (!page.filter.empty() && !contains_like(f.summary, page.filter) &&
        !contains_like(f.location, page.filter) && !contains_like(f.description, page.filter))
        return std::nullopt;
    return e;
}

}  // namespace cis::services
