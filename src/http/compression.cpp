#include "http/compression.hpp"

#include <fmt/format.h>
#include <libdeflate.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <memory>
#include <string>

#include "core/text.hpp"

namespace cis::http {

namespace {

// Far above any page or feed; bounds the buffer allocated for the result.
constexpr std::size_t kMaxCompressed = 64 * 1024 * 1024;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The q-value of one Accept-Encoding member's parameters ("q=0.5"); 1 when absent, 0 when
// malformed (a value we cannot read is no permission).
double q_value(std::string_view params) {
    double q = 1.0;
    while (!params.empty()) {
        const auto semi = params.find(';');
        const std::string_view p = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
        if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
        const std::string_view v = trim(p.substr(2));
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), q);
        if (ec != std::errc{} || end != v.data() + v.size() || !(q >= 0.0 && q <= 1.0)) return 0;
    }
    return q;
}

bool has_header(const Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers)
        if (ascii_lower(n) == name) return true;
    return false;
}

// The gzip member of `in` at `level`; empty on failure. libdeflate rather than zlib: it
// compresses a whole buffer at once, and the 2 MB schedule page in about half zlib's time
// at level 1 (docs/performance.md). One compressor per thread, kept: making one costs more
// than compressing a small answer.
std::string gzip(std::string_view in, int level) {
    if (in.size() > kMaxCompressed) return {};
    using Compressor = std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)>;
    thread_local Compressor compressor{nullptr, libdeflate_free_compressor};
    thread_local int compressor_level = 0;
    if (!compressor || compressor_level != level) {
        compressor.reset(libdeflate_alloc_compressor(level));
        compressor_level = level;
        if (!compressor) return {};  // a level it does not have, or no memory
    }
    std::string out(libdeflate_gzip_compress_bound(compressor.get(), in.size()), '\0');
    const std::size_t n =
        libdeflate_gzip_compress(compressor.get(), in.data(), in.size(), out.data(), out.size());
    out.resize(n);  // 0: it did not fit, which the bound rules out
    return out;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
    double gzip_q = -1, star_q = -1;  // -1: not named
    while (!accept_encoding.empty()) {
        const auto comma = accept_encoding.find(',');
        const std::string_view member = accept_encoding.substr(0, comma);
        accept_encoding = comma == std::string_view::npos ? std::string_view{}
                                                          : accept_encoding.substr(comma + 1);
        const auto semi = member.find(';');
        const std::string coding = ascii_lower(trim(member.substr(0, semi)));
        const double q =
            semi == std::string_view::npos ? 1.0 : q_value(member.substr(semi + 1));
        if (coding == "gzip" || coding == "x-gzip") {
            gzip_q = std::max(gzip_q, q);
        } else if (coding == "*") {
            star_q = std::max(star_q, q);
        }
    }
    return gzip_q >= 0 ? gzip_q > 0 : star_q > 0;
}

bool compressible_type(std::string_view content_type) {
    const std::string type = media_type(content_type);
    if (type.starts_with("text/")) return true;
    for (std::string_view t : {"application/json", "application/javascript", "application/xml"})
        if (type == t) return true;
    return type.ends_with("+json") || type.ends_with("+xml");  // problem+json, svg+xml, ...
}

namespace {

void weaken_etag(Response& r) {
    for (auto& [name, value] : r.headers)
        if (ascii_lower(name) == "etag" && value.starts_with('"')) value = "W/" + value;
}

}  // namespace

void compress_response(Response& r, bool client_accepts_gzip, const CompressionOptions& o) {
    if (o.level <= 0) return;
    if (r.status == 304) {
        // RFC 9110 §15.4.5: the ETag and Vary the 200 would have carried — whose gzip form
        // this client would have got. (Compressible: every 304 here is a feed's or an asset's.)
        r.headers.emplace_back("Vary", "Accept-Encoding");
        if (client_accepts_gzip) weaken_etag(r);
        return;
    }
    if (r.status == 204 || r.status == 206) return;
    if (!compressible_type(r.content_type) || has_header(r, "content-encoding")) return;
    if (r.body.size() < o.min_size) return;
    r.headers.emplace_back("Vary", "Accept-Encoding");
    if (!client_accepts_gzip) return;
    const auto started = std::chrono::steady_clock::now();
    std::string packed = gzip(r.body, o.level);
    if (packed.empty() || packed.size() >= r.body.size()) return;
    const std::chrono::duration<double, std::milli> took =
        std::chrono::steady_clock::now() - started;
    // Everything that can throw (allocation) before the body changes: an answer is never
    // left compressed without saying so.
    std::string timing = fmt::format("gzip;dur={:.2f}", took.count());
    r.headers.reserve(r.headers.size() + 2);
    weaken_etag(r);
    r.body = std::move(packed);
    r.headers.emplace_back("Content-Encoding", "gzip");
    // Beside a handler's own Server-Timing (the pages' render;dur=): what compressing cost.
    r.headers.emplace_back("Server-Timing", std::move(timing));
}

}  // namespace cis::http
