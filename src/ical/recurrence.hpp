#pragma once
// RRULE / RDATE / EXDATE of a VEVENT, and when its last instance ends — which the
// rules need to refuse events that are already over.
#include <libical/ical.h>

#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "ical/ical_time.hpp"

namespace cis::ical {

Recurrence read_recurrence(icalcomponent* vevent, TimeReader& times,
                           std::vector<std::string>& warnings);

// End of the last instance; nullopt when the series never ends.
std::optional<std::int64_t> last_end(icalcomponent* vevent, const IncomingEvent& ev,
                                     const ReadTime& start, TimeReader& times);

}  // namespace cis::ical
