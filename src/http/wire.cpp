#include "http/wire.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

#include <boost/beast/http/status.hpp>

namespace cis::http::detail {

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

// RFC 7230 section 3.2.6 tchar.
bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') ||
                        std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

bool is_field_value(std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool reserved(std::string_view name) {
    for (std::string_view r :
         {"content-length", "transfer-encoding", "connection", "date", "server"}) {
        if (iequals(name, r)) return true;
    }
    return false;
}

void append_number(std::string& out, std::size_t n) {
    std::array<char, 24> buf;
    const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), n);
    out.append(buf.data(), res.ptr);
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

}  // namespace

void serialize_response(const Response& r, const WireOptions& o, std::string& out) {
    namespace beast_http = boost::beast::http;
    const bool bodiless = r.status == 204 || r.status == 304;
    out.append("HTTP/1.1 ");
    append_number(out, static_cast<std::size_t>(r.status));
    out.push_back(' ');
    const auto reason = beast_http::obsolete_reason(static_cast<beast_http::status>(r.status));
    out.append(reason.data(), reason.size());
    out.append("\r\n");
    append_header(out, "Server", o.server_name);
    append_header(out, "Date", current_http_date());
    if (r.content_type == "application/json") {
        append_header(out, "Content-Type", "application/json; charset=utf-8");
    } else if (!r.content_type.empty() && is_field_value(r.content_type)) {
        append_header(out, "Content-Type", r.content_type);
    }
    if (!bodiless) {
        out.append("Content-Length: ");
        append_number(out, r.body.size());
        out.append("\r\n");
    }
    if (!o.keep_alive) {
        out.append("Connection: close\r\n");
    } else if (o.http10) {
        out.append("Connection: keep-alive\r\n");
    }
    for (const auto& [name, value] : r.headers) {
        if (is_token(name) && is_field_value(value) && !reserved(name) &&
            !iequals(name, "content-type"))
            append_header(out, name, value);
    }
    out.append("\r\n");
    if (!o.head && !bodiless) out.append(r.body);
}

std::string format_http_date(std::time_t t) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 64> buf;
    const int n = std::snprintf(buf.data(), buf.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                                kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::string_view current_http_date() {
    // Per thread, so io_context threads never contend for it.
    thread_local std::time_t cached_second = -1;
    thread_local std::string cached;
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    if (now != cached_second) {
        cached = format_http_date(now);
        cached_second = now;
    }
    return cached;
}

}  // namespace cis::http::detail
