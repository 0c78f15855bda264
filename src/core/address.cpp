#include "core/address.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace cis {
namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}
bool ends_with_subdomain(std::string_view sub, std::string_view parent) {
    // A bare top-level domain ("com") is never a parent: anyone could claim it.
    return parent.find('.') != std::string_view::npos && sub.size() > parent.size() + 1 &&
           sub.ends_with(parent) && sub[sub.size() - parent.size() - 1] == '.';
}
}  // namespace

std::string normalize_address(std::string_view raw) {
    std::string_view s = trim(raw);
    if (s.size() >= 7 && starts_with_nocase(s, "mailto:")) s = trim(s.substr(7));
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = trim(s.substr(1, s.size() - 2));
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = trim(s.substr(1, s.size() - 2));
    const auto at = s.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return {};
    for (char c : s)
        if (std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == ',')
            return {};
    return ascii_lower(s);
}

std::string local_part(std::string_view address) {
    const auto at = address.rfind('@');
    return std::string(at == std::string_view::npos ? address : address.substr(0, at));
}

std::string domain_part(std::string_view address) {
    const auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string() : ascii_lower(address.substr(at + 1));
}

std::string base_local_part(std::string_view local, std::string* detail) {
    const auto plus = local.find('+');
    if (detail) *detail = plus == std::string_view::npos ? "" : std::string(local.substr(plus + 1));
    return ascii_lower(local.substr(0, plus));
}

bool domains_aligned(std::string_view a, std::string_view b) {
    const std::string la = ascii_lower(a), lb = ascii_lower(b);
    return !la.empty() && (la == lb || ends_with_subdomain(la, lb) || ends_with_subdomain(lb, la));
}

}  // namespace cis
