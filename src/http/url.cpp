#include "http/url.hpp"

#include <utility>

namespace cis::http {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (c != prefix[i]) return false;
    }
    return true;
}

}  // namespace

std::optional<TargetParts> split_target(std::string_view target) {
    if (target == "*") return TargetParts{target, {}};
    // Absolute-form (sent to proxies, but servers must accept it): drop scheme and authority.
    for (std::string_view scheme : {"http://", "https://"}) {
        if (starts_with_icase(target, scheme)) {
            target.remove_prefix(scheme.size());
            const std::size_t slash = target.find_first_of("/?#");
            if (slash == std::string_view::npos || target[slash] != '/') {
                // "http://host" or "http://host?q": the path is "/".
                const std::size_t q = target.find('?');
                std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
                query = query.substr(0, query.find('#'));
                return TargetParts{"/", query};
            }
            target.remove_prefix(slash);
            break;
        }
    }
    if (target.empty() || target.front() != '/') return std::nullopt;
    target = target.substr(0, target.find('#'));
    const std::size_t q = target.find('?');
    if (q == std::string_view::npos) return TargetParts{target, {}};
    return TargetParts{target.substr(0, q), target.substr(q + 1)};
}

bool percent_decode(std::string_view in, std::string& out, bool plus_as_space) {
    // Fast path: most paths carry no escapes.
    if (in.find('%') == std::string_view::npos && (!plus_as_space || in.find('+') == in.npos)) {
        out.append(in);
        return true;
    }
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+' && plus_as_space) {
            out.push_back(' ');
        } else if (c != '%') {
            out.push_back(c);
        } else {
            if (i + 2 >= in.size()) return false;  // fewer than two characters follow
            const int hi = hex_value(in[i + 1]);
            const int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        }
    }
    return true;
}

std::optional<std::multimap<std::string, std::string>> parse_query(std::string_view query) {
    std::multimap<std::string, std::string> result;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view piece = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (piece.empty()) continue;
        const std::size_t eq = piece.find('=');
        std::string key, value;
        if (!percent_decode(piece.substr(0, eq), key, true)) return std::nullopt;
        if (eq != std::string_view::npos && !percent_decode(piece.substr(eq + 1), value, true))
            return std::nullopt;
        result.emplace(std::move(key), std::move(value));
    }
    return result;
}

}  // namespace cis::http
