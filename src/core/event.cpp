#include "core/event.hpp"

namespace cis {

const char* to_string(EventStatus s) {
    switch (s) {
        case EventStatus::Confirmed:
            return "confirmed";
        case EventStatus::Tentative:
            return "tentative";
        case EventStatus::Cancelled:
            return "cancelled";
    }
    return "confirmed";
}

std::optional<EventStatus> event_status_from(std::string_view s) {
    if (s == "confirmed") return EventStatus::Confirmed;
    if (s == "tentative") return EventStatus::Tentative;
    if (s == "cancelled") return EventStatus::Cancelled;
    return std::nullopt;
}

}  // namespace cis
