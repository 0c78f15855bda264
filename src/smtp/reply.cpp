#include "smtp/reply.hpp"

#include <cctype>
#include <string_view>

namespace cis::smtp {
namespace {

// RFC 5321 4.5.3.1.5 caps a reply line at 512 octets including the code and CRLF.
constexpr std::size_t kMaxReplyText = 400;

bool digits_1_to_3(std::string_view s) {
    if (s.empty() || s.size() > 3) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// "class.subject.detail" with the class matching the reply code's first digit (RFC 3463).
bool valid_enhanced(std::string_view e, int code) {
    if (e.size() < 5 || e[0] != static_cast<char>('0' + code / 100) || e[1] != '.') return false;
    const std::size_t dot = e.find('.', 2);
    if (dot == std::string_view::npos) return false;
    return digits_1_to_3(e.substr(2, dot - 2)) && digits_1_to_3(e.substr(dot + 1));
}

}  // namespace

Reply sanitize_reply(Reply r) {
    if (r.code < 200 || r.code > 599) return Reply{451, "4.3.0", "Internal error"};
    if (!valid_enhanced(r.enhanced, r.code)) r.enhanced = std::to_string(r.code / 100) + ".0.0";
    std::string text;
    for (char c : r.text) {
        // Keep '\n' (line separator) and printable/8-bit bytes; drop CR, NUL and friends.
        if (c == '\n' || c == '\t' || static_cast<unsigned char>(c) >= 0x20) text += c;
    }
    if (text.empty()) text = r.code < 400 ? "OK" : "Error";
    r.text = std::move(text);
    return r;
}

std::string format_reply(const Reply& r, bool with_enhanced) {
    const std::string code = std::to_string(r.code);
    std::string_view rest = r.text;
    std::string out;
    do {
        const std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out += code;
        out += rest.empty() ? ' ' : '-';
        if (with_enhanced && !r.enhanced.empty()) {
            out += r.enhanced;
            out += ' ';
        }
        out += line.substr(0, kMaxReplyText);
        out += "\r\n";
    } while (!rest.empty());
    return out;
}

}  // namespace cis::smtp
