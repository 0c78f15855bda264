#include "services/landing_urls.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace cis::services {

namespace {

std::optional<std::string> fail(std::string* error, std::string why) {
    if (error) *error = std::move(why);
    return std::nullopt;
}

// "https://host[:port]" and the rest ("/path?query"), both normalised.
struct Split {
    std::string origin, rest;
};

std::optional<Split> split(std::string_view url) {
    auto n = normalise_landing_url(url, nullptr);
    if (!n) return std::nullopt;
    const auto slash = n->find('/', n->find("://") + 3);
    return Split{n->substr(0, slash), n->substr(slash)};
}

}  // namespace

std::optional<std::string> normalise_landing_url(std::string_view url, std::string* error) {
    if (url.empty()) return fail(error, "the URL is empty");
    if (url.size() > 2000) return fail(error, "the URL is longer than 2 000 characters");
    for (unsigned char c : url)
        if (c <= 0x20 || c == 0x7f || c == '\\' || c == '"' || c == '<' || c == '>')
            return fail(error,
                        "the URL holds a space, a control character, a backslash, a "
                        "quote or an angle bracket (percent-encode them)");
    const auto colon = url.find("://");
    if (colon == std::string_view::npos) return fail(error, "the URL must start with https://");
    const std::string scheme = ascii_lower(url.substr(0, colon));
    if (scheme != "https" && scheme != "http")
        return fail(error, "only http and https URLs are allowed, not " + scheme);
    std::string_view rest = url.substr(colon + 3);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos)
        rest = rest.substr(0, hash);
    const auto end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, end);
    std::string path(end == std::string_view::npos ? std::string_view() : rest.substr(end));
    if (authority.find('@') != std::string_view::npos)
        return fail(error, "the URL must not carry a user name or password");
    if (authority.empty()) return fail(error, "the URL has no host");
    std::string host = ascii_lower(authority);
    std::optional<std::string> port;  // as written, when there is a colon
    if (host.front() == '[') {        // an IPv6 literal: [hex:...]
        const auto close = host.find(']');
        if (close == std::string::npos || close < 3)
            return fail(error, "the URL's host is not valid");
        for (std::size_t i = 1; i < close; ++i)
            if (!std::isxdigit(static_cast<unsigned char>(host[i])) && host[i] != ':' &&
                host[i] != '.')
                return fail(error, "the URL's host is not valid");
        if (close + 1 < host.size()) {
            if (host[close + 1] != ':') return fail(error, "the URL's host is not valid");
            port = host.substr(close + 2);
        }
        host.resize(close + 1);
    } else {
        const auto colon = host.find(':');
        if (colon != std::string::npos) {
            if (host.find(':', colon + 1) != std::string::npos)
                return fail(error, "an IPv6 host must be in brackets");
            port = host.substr(colon + 1);
            host.resize(colon);
        }
        for (unsigned char c : host) {
            if (c >= 0x80)  // headers and CSP sources take ASCII; a homograph looks alike
                return fail(error, "write an international host name in its xn-- form");
            if (!std::isalnum(c) && c != '-' && c != '.')
                return fail(error, "the URL's host is not valid");
        }
        if (host.empty() || host.front() == '.') return fail(error, "the URL has no host");
    }
    if (port) {
        if (port->empty() || port->size() > 5 ||
            !std::all_of(port->begin(), port->end(),
                         [](unsigned char c) { return std::isdigit(c); }) ||
            std::stoi(*port) == 0 || std::stoi(*port) > 65535)
            return fail(error, "the URL's port is not a number from 1 to 65535");
        const bool default_port = (scheme == "https" && std::stoi(*port) == 443) ||
                                  (scheme == "http" && std::stoi(*port) == 80);
        if (!default_port) host += ":" + std::to_string(std::stoi(*port));
    }
    if (path.empty() || path.front() == '?')
        path = "/" + path;  // not insert(0, …): GCC 12 -Wrestrict
    // "/fans/../admin" is "/admin" to a browser: a path under an entry must be one.
    const std::string segments = ascii_lower(path.substr(0, path.find('?')));
    for (std::size_t i = 0; i < segments.size();) {
        const auto next = std::min(segments.find('/', i + 1), segments.size());
        const std::string_view seg = std::string_view(segments).substr(i + 1, next - i - 1);
        if (seg == "." || seg == ".." || seg == "%2e" || seg == "%2e%2e" || seg == ".%2e" ||
            seg == "%2e.")
            return fail(error, "the URL's path holds a . or .. segment");
        i = next;
    }
    return scheme + "://" + host + path;
}

bool landing_url_allowed(const std::vector<std::string>& allow_list, std::string_view url) {
    const auto candidate = split(url);
    if (!candidate) return false;
    for (const auto& entry : allow_list) {
        const auto allowed = split(entry);
        if (!allowed || allowed->origin != candidate->origin) continue;
        const std::string& prefix = allowed->rest;
        const std::string& path = candidate->rest;
        if (path == prefix) return true;
        if (!path.starts_with(prefix)) continue;
        // Under the entry: the entry ends a segment, or the candidate goes on with one.
        const char next = path[prefix.size()];
        if (prefix.back() == '/' || next == '/' || next == '?') return true;
    }
    return false;
}

}  // namespace cis::services
