#pragma once
// "Add to Google Calendar" and "Add to Outlook.com" links for one event: the fallbacks
// every public page offers next to the emailed invitation and the .ics download (issue 6).
// Both services take the event in the query of a URL the visitor opens while signed in;
// nothing is sent to them by CIS. Times go as UTC instants (dates as dates), so no zone
// table is involved; the description is cut so the URL stays within what browsers and the
// services accept.
#include <string>

#include "core/event.hpp"

namespace cis::imip {

std::string google_calendar_url(const Event& event);
std::string outlook_calendar_url(const Event& event);

// RFC 3986 percent-encoding of everything but the unreserved characters, for a query value.
std::string url_encode(std::string_view text);

}  // namespace cis::imip
