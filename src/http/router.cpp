#include "http/router.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <utility>

#include "http/url.hpp"

namespace cis::http {

namespace {

constexpr std::size_t kMaxSegments = 64;  // one bit each in literal_mask

// Calls f(segment) for each '/'-separated segment of `path` (which starts with '/'); stops
// early when f returns false. "/" has one empty segment.
template <typename F>
bool for_each_segment(std::string_view path, F f) {
    if (path.empty() || path.front() != '/') return false;
    std::size_t pos = 1;
    while (true) {
        const std::size_t end = std::min(path.find('/', pos), path.size());
        if (!f(path.substr(pos, end - pos))) return false;
        if (end == path.size()) return true;
        pos = end + 1;
    }
}

bool literal_equals(std::string_view raw, const std::string& literal) {
    if (raw == literal) return true;
    if (raw.find('%') == std::string_view::npos) return false;
    std::string decoded;
    return percent_decode(raw, decoded) && decoded == literal;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Route route) {
    Entry e;
    std::set<std::string> names;
    const bool ok = for_each_segment(pattern, [&](std::string_view s) {
        Segment seg;
        if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
            seg.param = true;
            seg.text = s.substr(1, s.size() - 2);
            if (seg.text.empty() || !names.insert(seg.text).second) return false;
        } else {
            seg.text = s;
        }
        if (seg.text.find_first_of("{}") != std::string::npos) return false;
        e.segments.push_back(std::move(seg));
        return e.segments.size() <= kMaxSegments;
    });
    if (!ok || method.empty())
        throw std::invalid_argument("http router: malformed route " + method + " " + pattern);
    for (std::size_t i = 0; i < e.segments.size(); ++i)
        if (!e.segments[i].param) e.literal_mask |= std::uint64_t{1} << (63 - i);
    for (const Entry& other : entries_) {
        if (other.method == method && other.pattern == pattern)
            throw std::invalid_argument("http router: duplicate route " + method + " " + pattern);
    }
    e.method = std::move(method);
    e.pattern = std::move(pattern);
    e.route = std::move(route);
    entries_.push_back(std::move(e));
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Entry& e : entries_) out.emplace_back(e.method, e.pattern);
    return out;
}

bool Router::matches(const Entry& e, std::string_view raw_path) {
    std::size_t i = 0;
    const bool ok = for_each_segment(raw_path, [&](std::string_view s) {
        if (i >= e.segments.size()) return false;
        const Segment& seg = e.segments[i++];
        return seg.param ? !s.empty() : literal_equals(s, seg.text);
    });
    return ok && i == e.segments.size();
}

bool Router::extract(const Entry& e, std::string_view raw_path, Params& params) {
    std::size_t i = 0;
    return for_each_segment(raw_path, [&](std::string_view s) {
        const Segment& seg = e.segments[i++];
        if (!seg.param) return true;
        std::string value;
        if (!percent_decode(s, value)) return false;
        params.emplace(seg.text, std::move(value));
        return true;
    });
}

Router::Match Router::match(std::string_view method, std::string_view raw_path) const {
    const Entry* best = nullptr;      // for `method`
    const Entry* best_get = nullptr;  // HEAD falls back to GET
    bool any = false;                 // some method matches this path
    // The more specific pattern wins; on a tie ("/a/{x}" and "/a/{y}"), the first added.
    const auto keep_better = [](const Entry*& slot, const Entry& e) {
        if (!slot || e.literal_mask > slot->literal_mask) slot = &e;
    };
    for (const Entry& e : entries_) {
        if (!matches(e, raw_path)) continue;
        any = true;
        if (e.method == method) {
            keep_better(best, e);
        } else if (method == "HEAD" && e.method == "GET") {
            keep_better(best_get, e);
        }
    }
    Match m;
    if (!best) best = best_get;
    if (best) {
        if (!extract(*best, raw_path, m.params)) {
            m.kind = Match::Kind::kBadRequest;
            return m;
        }
        m.kind = Match::Kind::kFound;
        m.route = &best->route;
        return m;
    }
    if (!any) return m;  // kNotFound
    std::set<std::string_view> allowed;
    for (const Entry& e : entries_) {
        if (!matches(e, raw_path)) continue;
        allowed.insert(e.method);
        if (e.method == "GET") allowed.insert("HEAD");
    }
    m.kind = Match::Kind::kMethodNotAllowed;
    for (std::string_view a : allowed) {
        if (!m.allow.empty()) m.allow += ", ";
        m.allow += a;
    }
    return m;
}

void Router::dispatch(Request req, Respond respond) const {
    Match m = match(req.method, req.raw_path());
    switch (m.kind) {
        case Match::Kind::kFound:
            (*m.route)(req, m.params, std::move(respond));
            return;
        case Match::Kind::kNotFound:
            respond(json_error(404, "not_found", "No such resource: " + req.path));
            return;
        case Match::Kind::kBadRequest:
            respond(json_error(400, "bad_request", "Malformed percent-encoding in the path"));
            return;
        case Match::Kind::kMethodNotAllowed: {
            Response r = json_error(405, "method_not_allowed",
                                    "Method " + req.method + " is not allowed here");
            r.headers.emplace_back("Allow", std::move(m.allow));
            respond(std::move(r));
            return;
        }
    }
}

}  // namespace cis::http
