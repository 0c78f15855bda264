#include "services/page_events.hpp"

namespace cis::services {

namespace {

// At most this many on an upcoming page: the next few weeks of a busy organizer.
constexpr std::size_t kUpcomingEvents = 50;

store::UpcomingFilter schedule_filter(const store::Page& page, std::int64_t now) {
    store::UpcomingFilter f;
    f.organizer = page.organizer;
    f.now = now;
    f.text = page.filter;
    f.limit = kMaxPageEvents;
    return f;
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
    store::UpcomingFilter f = schedule_filter(page, now);
    f.with_cancelled = with_cancelled;
    f.with_occurrences = with_cancelled;  // feeds carry moved and cancelled instances
    if (page.kind != "upcoming") return tx.upcoming_events(f);
    // The next 50 shown; a feed adds the cancelled ones among them, which must not take
    // the place of an event the page shows.
    auto events = tx.upcoming_events(f);
    std::size_t shown = 0;
    std::erase_if(events, [&](const Event& e) {
        if (shown >= kUpcomingEvents) return true;
        if (e.fields.status != EventStatus::Cancelled) ++shown;
        return false;
    });
    return events;
}

std::optional<Event> page_event(store::Tx& tx, const store::Page& page,
                                const std::string& event_id, std::int64_t now) {
    if (page.kind != "schedule") {  // one event, or the next 50: read them as shown
        for (auto& e : page_events(tx, page, now))
            if (e.id == event_id) return tx.find_event_by_id(event_id);
        return std::nullopt;
    }
    // The schedule's own query, narrowed to the one event (past the 5 000th event of a
    // schedule, a per-event link still resolves: the page just does not list it).
    store::UpcomingFilter f = schedule_filter(page, now);
    f.event_id = event_id;
    f.with_occurrences = true;
    f.limit = 1;
    auto found = tx.upcoming_events(f);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

}  // namespace cis::services
