#include "ical/tz_text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cctype>

namespace cis::ical::tz {

std::string fold(std::string_view utf8) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    icu::UnicodeString in = icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
    icu::UnicodeString decomposed = U_SUCCESS(status) ? nfd->normalize(in, status) : in;
    if (U_FAILURE(status)) decomposed = in;

    icu::UnicodeString out;
    bool pending_space = false;
    for (std::int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
        const UChar32 c = decomposed.char32At(i);
        if (u_charType(c) == U_NON_SPACING_MARK) continue;  // the accents NFD split off
        if (c == '_' || c == '-' || u_isUWhiteSpace(c)) {
            pending_space = !out.isEmpty();
            continue;
        }
        if (pending_space) out.append(static_cast<UChar>(' '));
        pending_space = false;
        out.append(u_foldCase(c, U_FOLD_CASE_DEFAULT));
    }
    std::string result;
    out.toUTF8String(result);
    return result;
}

std::string_view trim_name(std::string_view s) {
    auto junk = [](char c) { return c == '"' || std::isspace(static_cast<unsigned char>(c)); };
    while (!s.empty() && junk(s.front())) s.remove_prefix(1);
    while (!s.empty() && junk(s.back())) s.remove_suffix(1);
    return s;
}

namespace {

bool starts_with_utc_or_gmt(std::string_view s, std::size_t at) {
    if (at + 3 > s.size()) return false;
    std::string w;
    for (std::size_t i = at; i < at + 3; ++i)
        w += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
    return w == "UTC" || w == "GMT";
}

// Parses "+01:00", "+01.00", "+0100", "+1" at s[pos]; returns seconds.
std::optional<std::int32_t> parse_signed_offset(std::string_view s, std::size_t pos) {
    if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
    const int sign = s[pos] == '-' ? -1 : 1;
    auto digit = [&](std::size_t i) {
        return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]));
    };
    std::size_t i = pos + 1;
    int hours = 0, minutes = 0, n = 0;
    for (; n < 2 && digit(i); ++n, ++i) hours = hours * 10 + (s[i] - '0');
    if (n == 0) return std::nullopt;
    if (i < s.size() && (s[i] == ':' || s[i] == '.')) ++i;
    if (digit(i) && digit(i + 1)) minutes = (s[i] - '0') * 10 + (s[i + 1] - '0');
    if (hours > 14 || minutes > 59) return std::nullopt;
    return sign * (hours * 3600 + minutes * 60);
}

}  // namespace

std::optional<std::int32_t> stated_offset(std::string_view tzid) {
    for (std::size_t i = 0; i + 3 <= tzid.size(); ++i) {
        if (!starts_with_utc_or_gmt(tzid, i)) continue;
        std::size_t j = i + 3;
        while (j < tzid.size() && tzid[j] == ' ') ++j;
        if (j == tzid.size() || tzid[j] == ')') return 0;  // "(UTC) Dublin, Edinburgh..."
        return parse_signed_offset(tzid, j);
    }
    return std::nullopt;
}

std::vector<std::string> phrases(std::string_view tzid) {
    std::string text(trim_name(tzid));
    // Drop a parenthesised offset such as "(UTC+01:00)" or "(GMT-05.00)".
    if (auto open = text.find('(');
        open != std::string::npos && starts_with_utc_or_gmt(text, open + 1)) {
        if (auto close = text.find(')', open); close != std::string::npos)
            text.erase(open, close - open + 1);
    }
    std::vector<std::string> out;
    std::string current;
    auto flush = [&] {
        std::string f = fold(current);
        if (!f.empty()) out.push_back(std::move(f));
        current.clear();
    };
    for (char c : text) {
        if (std::string_view(",/;&()|\\").find(c) != std::string_view::npos)
            flush();
        else
            current += c;
    }
    flush();
    return out;
}

}  // namespace cis::ical::tz
