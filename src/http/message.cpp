#include "http/message.hpp"

#include <nlohmann/json.hpp>

#include "http/url.hpp"

namespace cis::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
        if (x != y) return false;
    }
    return true;
}

}  // namespace

std::string Request::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (iequals(n, name)) return v;
    return {};
}

std::string Request::header_list(std::string_view name) const {
    std::string all;
    for (const auto& [n, v] : headers) {
        if (!iequals(n, name)) continue;
        if (!all.empty()) all += ", ";
        all += v;
    }
    return all;
}

std::string_view Request::raw_path() const {
    const auto parts = split_target(target);
    return parts ? parts->path : std::string_view(target);
}

Response json_response(int status, const nlohmann::json& body) {
    Response r;
    r.status = status;
    // Invalid UTF-8 (e.g. echoed client input) is replaced instead of throwing mid-response.
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response json_error(int status, std::string_view code, std::string_view message) {
    return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    std::size_t start = 0;
    while (start < if_none_match.size()) {
        auto end = if_none_match.find(',', start);
        if (end == std::string_view::npos) end = if_none_match.size();
        std::string_view tag = if_none_match.substr(start, end - start);
        while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
        if (tag.starts_with("W/")) tag.remove_prefix(2);
        if (tag == "*" || tag == etag) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace cis::http
