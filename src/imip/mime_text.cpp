#include "imip/mime_text.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>

#include "core/time.hpp"
#include "imip/ical_text.hpp"

namespace cis::imip {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kLineBytes = 57;  // 76 base64 characters
constexpr std::size_t kMaxHeaderLine = 76;
constexpr std::string_view kWordStart = "=?UTF-8?B?";
constexpr std::string_view kWordEnd = "?=";

// Every 12-bit value → its two base64 characters: halves the table look-ups.
const std::array<std::uint16_t, 4096>& pair_table() {
    static const auto table = [] {
        std::array<std::uint16_t, 4096> t{};
        for (unsigned v = 0; v < 4096; ++v) {
            const char pair[2] = {kAlphabet[v >> 6], kAlphabet[v & 63]};
            std::memcpy(&t[v], pair, 2);
        }
        return t;
    }();
    return table;
}

char* encode_groups(char* out, const unsigned char* in, std::size_t n) {
    const auto& pairs = pair_table();
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        const unsigned v = (unsigned{in[i]} << 16) | (unsigned{in[i + 1]} << 8) | in[i + 2];
        std::memcpy(out, &pairs[v >> 12], 2);
        std::memcpy(out + 2, &pairs[v & 0xFFF], 2);
        out += 4;
    }
    if (const std::size_t rest = n - i) {
        const unsigned v = (unsigned{in[i]} << 16) | (rest == 2 ? unsigned{in[i + 1]} << 8 : 0u);
        *out++ = kAlphabet[(v >> 18) & 63];
        *out++ = kAlphabet[(v >> 12) & 63];
        *out++ = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        *out++ = '=';
    }
    return out;
}

std::size_t base64_size(std::size_t n) {
    return (n + 2) / 3 * 4;
}

bool atext(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
               std::string_view::npos;
}

std::string without_controls(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        out += u < 0x20 || u == 0x7F ? ' ' : c;
    }
    return out;
}

bool printable_ascii(std::string_view s) {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7F) return false;
    }
    return true;
}

// Encoded words for `text`, each at most 76 characters on its line, at most
// `kMaxHeaderLine` per line: words after the first go on continuation lines. A "=?" in
// the plain text would otherwise be read as the start of an encoded word, so callers
// also encode text that contains one.
void append_encoded_words(std::string& out, std::string_view text, std::size_t used) {
    const std::string clean = valid_utf8(text);
    std::string_view rest = clean;
    bool first = true;
    while (!rest.empty() || first) {
        if (!first) {
            out += "\r\n ";
            used = 1;
        }
        // At least 8 characters of base64 (6 bytes): room for any one character.
        const std::size_t overhead = used + kWordStart.size() + kWordEnd.size();
        const std::size_t room = kMaxHeaderLine > overhead + 8 ? kMaxHeaderLine - overhead : 8;
        std::size_t take = std::min(rest.size(), room / 4 * 3);
        // Never split a character between two words (RFC 2047 §5); `clean` is valid UTF-8.
        const auto boundary = [&](std::size_t n) {
            return n >= rest.size() || (static_cast<unsigned char>(rest[n]) & 0xC0) != 0x80;
        };
        while (!boundary(take)) --take;
        // A word that is not the last holds a multiple of 3 bytes, so it needs no base64
        // padding: GMime joins adjacent words before decoding them and stops at a '='.
        if (take < rest.size()) {
            std::size_t even = take;
            while (even > 0 && (even % 3 != 0 || !boundary(even))) --even;
            if (even > 0) take = even;
        }
        out += kWordStart;
        const std::size_t at = out.size();
        out.resize(at + base64_size(take));
        encode_groups(out.data() + at, reinterpret_cast<const unsigned char*>(rest.data()), take);
        out += kWordEnd;
        rest.remove_prefix(take);
        first = false;
    }
}

}  // namespace

std::size_t base64_lines_size(std::size_t n) {
    const std::size_t lines = (n + kLineBytes - 1) / kLineBytes;
    return base64_size(n) + 2 * lines;
}

void append_base64_lines(std::string& out, std::string_view data) {
    const std::size_t at = out.size();
    out.resize(at + base64_lines_size(data.size()));
    char* w = out.data() + at;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    for (std::size_t i = 0; i < data.size(); i += kLineBytes) {
        w = encode_groups(w, in + i, std::min(kLineBytes, data.size() - i));
        *w++ = '\r';
        *w++ = '\n';
    }
}

std::string quoted_printable(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3 / 2 + 16);
    std::size_t column = 0;
    auto emit = [&](std::string_view token) {
        if (column + token.size() > kMaxHeaderLine - 1) {  // room for the soft break '='
            out += "=\r\n";
            column = 0;
        }
        out += token;
        column += token.size();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            out += "\r\n";
            column = 0;
            continue;
        }
        const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\r' || text[i + 1] == '\n';
        // A leading '.' is safe (SMTP dot-stuffing) but some relays mangle it; a leading
        // "From " gets '>' in mbox files. Encoding the first character avoids both.
        const bool line_start_risk =
            column == 0 && (c == '.' || text.substr(i, 5) == std::string_view("From "));
        if ((c >= 33 && c <= 126 && c != '=' && !line_start_risk) ||
            ((c == ' ' || c == '\t') && !at_line_end)) {
            const char ch = static_cast<char>(c);
            emit(std::string_view(&ch, 1));
        } else {
            const char enc[3] = {'=', kHex[c >> 4], kHex[c & 15]};
            emit(std::string_view(enc, 3));
        }
    }
    if (!out.ends_with("\r\n")) out += "\r\n";
    return out;
}

void append_header_safe(std::string& out, std::string_view value) {
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u != 0x7F) out += c;
    }
}

void append_mailbox(std::string& out, std::string_view name, std::string_view address,
                    std::size_t used) {
    std::string phrase = without_controls(name);
    while (!phrase.empty() && phrase.back() == ' ') phrase.pop_back();
    while (!phrase.empty() && phrase.front() == ' ') phrase.erase(0, 1);
    if (phrase.empty()) {
        append_header_safe(out, address);
        return;
    }
    if (!printable_ascii(phrase) || phrase.find("=?") != std::string::npos) {
        append_encoded_words(out, phrase, used);
    } else {
        bool atoms = true;
        for (char c : phrase)
            if (c != ' ' && !atext(static_cast<unsigned char>(c))) atoms = false;
        if (atoms) {
            out += phrase;
        } else {
            out += '"';
            for (char c : phrase) {
                if (c == '"' || c == '\\') out += '\\';
                out += c;
            }
            out += '"';
        }
    }
    out += " <";
    append_header_safe(out, address);
    out += '>';
}

void append_unstructured(std::string& out, std::string_view text, std::size_t used) {
    const std::string clean = without_controls(text);
    if (printable_ascii(clean) && clean.find("=?") == std::string::npos) {
        // Fold at spaces so that lines stay within 78 characters where words allow.
        std::string_view rest = clean;
        while (used + rest.size() > kMaxHeaderLine + 2) {
            std::size_t space = rest.rfind(' ', kMaxHeaderLine + 2 - used);
            if (space == std::string_view::npos || space == 0) space = rest.find(' ', 1);
            if (space == std::string_view::npos) break;
            out.append(rest.substr(0, space));
            out += "\r\n";
            rest.remove_prefix(space);  // the space starts the continuation line
            used = 0;
        }
        out.append(rest);
        return;
    }
    append_encoded_words(out, clean, used);
}

std::string rfc5322_date(std::int64_t epoch) {
    static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const CivilTime c = epoch_to_civil(epoch);
    std::int64_t days = epoch / 86400 - (epoch % 86400 < 0 ? 1 : 0);
    const auto weekday = static_cast<std::size_t>(((days % 7) + 7) % 7);  // 1970-01-01: Thu
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[weekday], c.day,
                       kMonths[c.month - 1], c.year, c.hour, c.minute, c.second);
}

std::string html_escape(std::string_view text) {
    const std::string clean = valid_utf8(text);
    std::string out;
    out.reserve(clean.size() + 16);
    for (char c : clean) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace cis::imip
