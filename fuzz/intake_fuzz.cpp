// Untrusted bytes through the whole intake parser: MIME (GMime) → every calendar found
// → iCalendar (libical) → typed values with zones resolved. The same bytes are also
// read directly as a calendar, so calendar-level mutations are explored without MIME,
// and through the shape check POST /inbound runs before storing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ical/parse_calendar.hpp"
#include "mail/charset.hpp"
#include "mail/inbound_message.hpp"
#include "mail/message_shape.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    (void)cis::mail::why_not_a_message(bytes);
    const auto message = cis::mail::parse_inbound(bytes);
    for (const auto& part : message.calendars) cis::ical::parse_calendar(part.text);
    cis::ical::parse_calendar(cis::mail::to_utf8(bytes, ""));
    return 0;
}
