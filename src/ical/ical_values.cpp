#include "ical/ical_values.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

namespace cis::ical {

void init_libical() {
    static std::once_flag once;
    std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

std::string kind_name(icalcomponent_kind kind) {
    const char* name = icalcomponent_kind_to_string(kind);
    return name ? name : "non-standard component";
}

void undo_double_escaping(std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == ',' || text[i + 1] == ';'))
            continue;
        out += text[i];
    }
    text.swap(out);
}

std::string text_of(icalcomponent* c, icalproperty_kind kind) {
    icalproperty* p = icalcomponent_get_first_property(c, kind);
    if (!p) return {};
    // TEXT values come unescaped from icalvalue_get_text ("\\n" is a newline);
    // icalproperty_get_value_as_string would return the escaped wire form.
    icalvalue* v = icalproperty_get_value(p);
    const char* s = v && icalvalue_isa(v) == ICAL_TEXT_VALUE ? icalvalue_get_text(v)
                                                             : icalproperty_get_value_as_string(p);
    std::string text = s ? std::string(s) : std::string();
    if (v && icalvalue_isa(v) == ICAL_TEXT_VALUE) undo_double_escaping(text);
    return text;
}

std::string parameter_named(icalproperty* p, std::string_view name) {
    for (icalparameter* par = icalproperty_get_first_parameter(p, ICAL_ANY_PARAMETER); par;
         par = icalproperty_get_next_parameter(p, ICAL_ANY_PARAMETER)) {
        char* s = icalparameter_as_ical_string_r(par);
        if (!s) continue;
        std::string text(s);
        free(s);
        const auto eq = text.find('=');
        if (eq == std::string::npos) continue;
        std::string key = text.substr(0, eq);
        std::transform(key.begin(), key.end(), key.begin(), ::toupper);
        if (key != name) continue;
        std::string value = text.substr(eq + 1);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        return value;
    }
    return {};
}

}  // namespace cis::ical
