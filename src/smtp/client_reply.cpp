#include "smtp/client_reply.hpp"

#include <utility>

namespace cis::smtp {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Length of a leading RFC 3463 code "c.sss.ddd" of class `klass` followed by a space or the end
// of the line; 0 if there is none.
std::size_t enhanced_length(std::string_view s, int klass) {
    if (s.size() < 5 || s[0] != static_cast<char>('0' + klass) || s[1] != '.') return 0;
    std::size_t i = 2;
    for (int part = 0; part < 2; ++part) {
        const std::size_t start = i;
        while (i < s.size() && is_digit(s[i]) && i - start < 3) ++i;
        if (i == start) return 0;
        if (part == 0) {
            if (i >= s.size() || s[i] != '.') return 0;
            ++i;
        }
    }
    return (i == s.size() || s[i] == ' ') ? i : 0;
}

}  // namespace

std::string printable(std::string_view s, std::size_t max) {
    std::string out;
    for (char c : s.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u < 0x7f) ? c : (c == '\t' ? ' ' : '?');
    }
    if (s.size() > max) out += "...";
    return out;
}

std::string ServerReply::text() const {
    std::string out;
    for (const std::string& line : lines) {
        if (!out.empty()) out += '\n';
        std::string_view t = line;
        if (const std::size_t n = enhanced_length(t, klass())) {
            t.remove_prefix(n);
            if (!t.empty()) t.remove_prefix(1);  // the space after the code
        }
        out += t;
    }
    return out;
}

std::optional<ServerReply> ReplyParser::next() {
    while (!malformed()) {
        std::optional<Line> line = in_.next();
        if (!line) return std::nullopt;
        if (line->too_long) return fail("reply line longer than " + std::to_string(kMaxLine));
        const std::string& t = line->text;
        // "ddd", "ddd text" or "ddd-text"; the code must be a real one (RFC 5321 4.2).
        const bool shaped = t.size() >= 3 && is_digit(t[0]) && is_digit(t[1]) && is_digit(t[2]) &&
                            (t.size() == 3 || t[3] == ' ' || t[3] == '-');
        const int code = shaped ? std::stoi(t.substr(0, 3)) : 0;
        if (code < 200 || code > 599) return fail("not an SMTP reply: \"" + printable(t) + "\"");
        if (!pending_.lines.empty() && code != pending_.code) {
            return fail("reply code changed within a multi-line reply: \"" + printable(t) + "\"");
        }
        if (pending_.lines.size() >= kMaxLines) {
            return fail("reply longer than " + std::to_string(kMaxLines) + " lines");
        }
        pending_.code = code;
        pending_.lines.push_back(t.size() > 4 ? printable(std::string_view(t).substr(4), kMaxLine)
                                              : std::string());
        if (t.size() > 3 && t[3] == '-') continue;  // more lines follow

        ServerReply reply = std::exchange(pending_, ServerReply{});
        const std::string_view first = reply.lines.front();
        if (const std::size_t n = enhanced_length(first, reply.klass())) {
            reply.enhanced = std::string(first.substr(0, n));
        }
        return reply;
    }
    return std::nullopt;
}

void ReplyParser::clear() {
    in_.clear();
    pending_ = ServerReply{};
}

std::optional<ServerReply> ReplyParser::fail(std::string why) {
    error_ = std::move(why);
    return std::nullopt;
}

}  // namespace cis::smtp
