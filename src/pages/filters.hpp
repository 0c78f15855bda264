#pragma once
// The visitor's filters of a schedule page (?month=YYYY-MM&from=YYYY-MM-DD&to=YYYY-MM-DD
// &q=text): applied on the server so the page works without script, and echoed back into
// the filter controls. Malformed values are dropped (and said so), never reflected raw.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "core/text.hpp"
#include "pages/event_time.hpp"

namespace cis::pages {

struct Filters {
    std::string month;                 // "YYYY-MM" or ""
    std::string from;                  // "YYYY-MM-DD" or ""
    std::string to;                    // "YYYY-MM-DD" or "" (inclusive)
    std::string q;                     // any text, matched without regard to ASCII case; "" = any
    std::vector<std::string> ignored;  // names of parameters dropped as malformed
    bool any() const { return !month.empty() || !from.empty() || !to.empty() || !q.empty(); }
};

// From the decoded query parameters.
Filters parse_filters(const std::multimap<std::string, std::string>& query);

// Whether an event at local date `when.date` with this text passes the filters. `q_lower`
// is the filter text lower-cased once by the caller.
bool passes(const Filters& f, std::string_view q_lower, const EventWhen& when,
            const EventFields& fields);

}  // namespace cis::pages
