#include "pages/filters.hpp"

#include <algorithm>
#include <cctype>

namespace cis::pages {

namespace {

bool digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_month(std::string_view s) {
    if (s.size() != 7 || s[4] != '-' || !digits(s.substr(0, 4)) || !digits(s.substr(5)))
        return false;
    const int m = (s[5] - '0') * 10 + (s[6] - '0');
    return m >= 1 && m <= 12;
}

bool is_date(std::string_view s) {
    if (s.size() != 10 || s[7] != '-' || !is_month(s.substr(0, 7)) || !digits(s.substr(8)))
        return false;
    const int d = (s[8] - '0') * 10 + (s[9] - '0');
    return d >= 1 && d <= 31;
}

std::string first(const std::multimap<std::string, std::string>& q, const std::string& name) {
    const auto it = q.find(name);
    return it == q.end() ? std::string() : it->second;
}

bool contains_lower(std::string_view haystack, std::string_view needle_lower) {
    if (needle_lower.size() > haystack.size()) return false;
    const auto it = std::search(
        haystack.begin(), haystack.end(), needle_lower.begin(), needle_lower.end(),
        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    return it != haystack.end();
}

}  // namespace

Filters parse_filters(const std::multimap<std::string, std::string>& query) {
    Filters f;
    const auto take = [&](const char* name, std::string& into, bool (*valid)(std::string_view)) {
        std::string v = first(query, name);
        if (v.empty()) return;
        if (valid(v))
            into = std::move(v);
        else
            f.ignored.emplace_back(name);
    };
    take("month", f.month, is_month);
    take("from", f.from, is_date);
    take("to", f.to, is_date);
    f.q = first(query, "q");
    if (f.q.size() > 200) f.q.resize(200);  // a search box, not a document
    return f;
}

bool passes(const Filters& f, std::string_view q_lower, const EventWhen& when,
            const EventFields& fields) {
    if (!f.month.empty() && when.month != f.month) return false;
    if (!f.from.empty() && when.date < f.from) return false;
    if (!f.to.empty() && when.date > f.to) return false;
    if (!q_lower.empty() && !contains_lower(fields.summary, q_lower) &&
        !contains_lower(fields.location, q_lower) && !contains_lower(fields.description, q_lower))
        return false;
    return true;
}

}  // namespace cis::pages
