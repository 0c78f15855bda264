#include "mail/charset.hpp"

#include <gmime/gmime.h>

#include "mail/gmime_init.hpp"

namespace cis::mail {

namespace {
// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    std::size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
    return n;
}

std::string convert(std::string_view bytes, const char* from) {
    ensure_gmime();
    gsize written = 0;
    GError* err = nullptr;
    gchar* out = g_convert_with_fallback(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                                         from, "\xEF\xBF\xBD", nullptr, &written, &err);
    if (!out) {
        if (err) g_error_free(err);
        return {};
    }
    std::string result(out, written);
    g_free(out);
    return result;
}

bool looks_utf16(std::string_view s, const char** which) {
    if (s.size() >= 2) {
        const auto a = static_cast<unsigned char>(s[0]), b = static_cast<unsigned char>(s[1]);
        if (a == 0xFF && b == 0xFE) return *which = "UTF-16LE", true;
        if (a == 0xFE && b == 0xFF) return *which = "UTF-16BE", true;
    }
    // "B\0E\0G\0I\0N\0" — ASCII text with every other byte NUL.
    std::size_t even = 0, odd = 0, n = std::min<std::size_t>(s.size(), 64) & ~std::size_t{1};
    for (std::size_t i = 0; i < n; ++i)
        if (s[i] == '\0') ++(i % 2 ? odd : even);
    if (n >= 8 && odd * 2 >= n / 2 - 1 && even == 0) return *which = "UTF-16LE", true;
    if (n >= 8 && even * 2 >= n / 2 - 1 && odd == 0) return *which = "UTF-16BE", true;
    return false;
}
}  // namespace

bool is_valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (!n) return false;
        i += n;
    }
    return true;
}

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    return out;
}

std::string to_utf8(std::string_view bytes, std::string_view declared_charset) {
    ensure_gmime();
    const char* utf16 = nullptr;
    if (looks_utf16(bytes, &utf16)) {
        std::string out = convert(bytes, utf16);
        if (out.starts_with("\xEF\xBB\xBF")) out.erase(0, 3);
        return sanitize_utf8(out);
    }
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
    if (is_valid_utf8(bytes)) return std::string(bytes);
    std::string label(declared_charset);
    const char* iconv_name = label.empty() ? nullptr : g_mime_charset_iconv_name(label.c_str());
    std::string out = iconv_name ? convert(bytes, iconv_name) : std::string();
    if (out.empty()) out = convert(bytes, "WINDOWS-1252");
    return out.empty() ? sanitize_utf8(bytes) : sanitize_utf8(out);
}

}  // namespace cis::mail
