#include "app/public_html.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include "imip/mime_text.hpp"

namespace cis::app {

std::string csp_hash(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
    return "'sha256-" + std::string(reinterpret_cast<char*>(b64), n) + "'";
}

http::Response public_html_response(int status, std::string html, const std::string& csp,
                                    std::string_view referrer_policy) {
    http::Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(html);
    r.headers = {
        {"Content-Security-Policy", csp}, {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},      {"Referrer-Policy", std::string(referrer_policy)},
        {"Cache-Control", "no-store"},    {"X-Robots-Tag", "noindex"}};
    return r;
}

std::string small_page_html(std::string_view title, std::string_view style,
                            std::string_view head_extra, std::string_view body_html) {
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex\">\n<title>{}</title>\n<style>{}</style>\n"
        "{}</head>\n<body>\n{}</body>\n</html>\n",
        imip::html_escape(title), style, head_extra, body_html);
}

std::string webcal_url(std::string_view http_url) {
    const auto colon = http_url.find("://");
    if (colon == std::string_view::npos) return std::string(http_url);
    return "webcal" + std::string(http_url.substr(colon));
}

}  // namespace cis::app
