#include "imip/ical_text.hpp"

namespace cis::imip {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::size_t kMaxLine = 75;                       // octets, without CRLF

bool continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// Appends the character at s[i] (or U+FFFD for an invalid sequence); returns its length
// in the input, so callers can walk any byte string.
std::size_t append_char(std::string& out, std::string_view s, std::size_t i) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
        out += kReplacement;
        return 1;
    }
    out.append(s.data() + i, n);
    return n;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = at(i);
    if (c < 0x80) return 1;
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;  // overlong
        if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;  // overlong
        if (c == 0xF4) hi = 0x8F;  // beyond U+10FFFF
    } else {
        return 0;
    }
    if (i + n > s.size() || at(i + 1) < lo || at(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (!continuation(at(i + k))) return 0;
    return n;
}

std::string valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) i += append_char(out, s, i);
    return out;
}

void append_escaped_text(std::string& out, std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const char c = s[i];
        switch (c) {
            case '\\':
            case ';':
            case ',':
                out += '\\';
                out += c;
                ++i;
                continue;
            case '\r':
                out += "\\n";
                i += i + 1 < s.size() && s[i + 1] == '\n' ? 2 : 1;
                continue;
            case '\n':
                out += "\\n";
                ++i;
                continue;
            default:
                break;
        }
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7F) {
            ++i;
            continue;
        }
        i += append_char(out, s, i);
    }
}

std::string escape_text(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    append_escaped_text(out, text);
    return out;
}

void append_param(std::string& out, std::string_view s) {
    bool quote = false;
    for (char c : s)
        if (c == ':' || c == ';' || c == ',') quote = true;
    if (quote) out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (u == '"') {
            out += '\'';
            ++i;
        } else if (u < 0x20 || u == 0x7F) {
            out += ' ';
            ++i;
        } else {
            i += append_char(out, s, i);
        }
    }
    if (quote) out += '"';
}

std::string quote_param(std::string_view value) {
    std::string out;
    append_param(out, value);
    return out;
}

void append_folded(std::string& out, std::string_view line) {
    std::size_t limit = kMaxLine;
    while (line.size() > limit) {
        // Back up to the first byte of the character that would be cut; a run of more
        // than three continuation bytes is not UTF-8 and is cut where it stands.
        std::size_t cut = limit;
        for (int back = 0; back < 3 && cut > 1 && continuation(line[cut]); ++back) --cut;
        if (continuation(line[cut])) cut = limit;
        out.append(line.data(), cut);
        out += "\r\n ";
        line.remove_prefix(cut);
        limit = kMaxLine - 1;  // the leading space counts
    }
    out.append(line);
    out += "\r\n";
}

std::string fold_line(std::string_view line) {
    std::string out;
    out.reserve(line.size() + line.size() / 37 + 2);
    append_folded(out, line);
    return out;
}

}  // namespace cis::imip
