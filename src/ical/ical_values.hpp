#pragma once
// Reading values out of libical's tree, shared by the parsers of requests
// (parse_calendar) and of attendees' replies (parse_reply).
#include <libical/ical.h>

#include <memory>
#include <string>
#include <string_view>

namespace cis::ical {

struct ComponentDeleter {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

// Untrusted input: libical must report errors, never abort. Call before parsing.
void init_libical();

// libical has no name for X- and unknown components (it returns null).
std::string kind_name(icalcomponent_kind kind);

// The first property of `kind`: TEXT values unescaped ("\\n" is a newline, double
// escaping repaired), other values as written; "" when absent.
std::string text_of(icalcomponent* c, icalproperty_kind kind);

// The value of a parameter libical does not know by name (EMAIL of RFC 7986 on older
// libical), read from the serialised parameter; `name` in upper case. "" when absent.
std::string parameter_named(icalproperty* p, std::string_view name);

// Some producers escape twice ("Hall\\\\, Paris"): after RFC 5545 unescaping a
// backslash is left before ',' or ';', which no person ever meant to write.
void undo_double_escaping(std::string& text);

}  // namespace cis::ical
