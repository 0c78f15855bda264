#include "smtp/command.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace cis::smtp {
namespace {

// Locale-independent ASCII helpers: <cctype> on bytes >= 0x80 is locale-dependent.
char upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_8bit(char c) {
    return static_cast<unsigned char>(c) >= 0x80;
}
bool is_ctl(char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}
bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return upper(x) == upper(y); });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// RFC 5322 atext, plus UTF-8 bytes (RFC 6531 allows them under SMTPUTF8; the session, not
// the parser, decides whether SMTPUTF8 was declared).
bool is_atext(char c) {
    static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
    return is_alpha(c) || is_digit(c) || is_8bit(c) || kSpecials.find(c) != std::string_view::npos;
}

bool valid_local_part(std::string_view s) {
    if (s.empty()) return false;
    if (s.front() == '"') {
        // quoted-string: qtextSMTP or quoted-pair, closing quote must be last.
        for (std::size_t i = 1; i < s.size(); ++i) {
            const char c = s[i];
            if (c == '\\') {
                if (++i >= s.size() || is_ctl(s[i])) return false;
            } else if (c == '"') {
                return i == s.size() - 1 && i > 1;
            } else if (is_ctl(c)) {
                return false;
            }
        }
        return false;
    }
    // Dot-string. Consecutive/edge dots are technically invalid but seen in the wild; accept.
    return std::all_of(s.begin(), s.end(), [](char c) { return is_atext(c) || c == '.'; });
}

bool valid_domain(std::string_view d) {
    if (d.empty() || d.size() > 255) return false;
    if (d.front() == '[') {  // address literal, e.g. [192.0.2.1] or [IPv6:...]
        if (d.back() != ']' || d.size() < 3) return false;
        return std::all_of(d.begin() + 1, d.end() - 1, [](char c) {
            return is_alpha(c) || is_digit(c) || c == '.' || c == ':' || c == '-';
        });
    }
    return std::all_of(d.begin(), d.end(), [](char c) {
        return is_alpha(c) || is_digit(c) || is_8bit(c) || c == '-' || c == '.';
    });
}

// A mailbox "local@domain". The local part may itself contain '@' inside quotes, so split at
// the last '@'.
bool valid_mailbox(std::string_view m) {
    const std::size_t at = m.rfind('@');
    if (at == std::string_view::npos) return false;
    return valid_local_part(m.substr(0, at)) && valid_domain(m.substr(at + 1));
}

// Finds the '>' closing a path that starts at s[0] == '<', skipping quoted strings.
std::size_t find_path_end(std::string_view s) {
    bool quoted = false;
    for (std::size_t i = 1; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted && c == '\\') {
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == '>' && !quoted) {
            return i;
        }
    }
    return std::string_view::npos;
}

// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"); value: printable, no '=' or space.
bool parse_params(std::string_view s, std::vector<Param>& out) {
    while (true) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        if (s.empty()) return true;
        const std::size_t sp = s.find(' ');
        const std::string_view token = s.substr(0, sp);
        s = sp == std::string_view::npos ? std::string_view() : s.substr(sp);
        const std::size_t eq = token.find('=');
        const std::string_view key = token.substr(0, eq);
        if (key.empty() || key.front() == '-' || !std::all_of(key.begin(), key.end(), [](char c) {
                return is_alpha(c) || is_digit(c) || c == '-';
            }))
            return false;
        Param p;
        for (char c : key) p.keyword += upper(c);
        if (eq != std::string_view::npos) {
            const std::string_view value = token.substr(eq + 1);
            if (value.empty() || std::any_of(value.begin(), value.end(),
                                             [](char c) { return is_ctl(c) || c == '='; }))
                return false;
            p.value = value;
        }
        out.push_back(std::move(p));
    }
}

// Parses "FROM:<path> params" / "TO:<path> params" into cmd.path and cmd.params.
void parse_path_command(std::string_view arg, std::string_view prefix, bool allow_null,
                        Command& cmd) {
    const std::string usage =
        std::string("Syntax: ") +
        (cmd.verb == Verb::kMail ? "MAIL FROM:<address>" : "RCPT TO:<address>");
    if (!istarts_with(arg, prefix)) {
        cmd.error = usage;
        return;
    }
    arg.remove_prefix(prefix.size());
    while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);  // "FROM: <a@b>" is common

    std::string_view path, rest;
    if (!arg.empty() && arg.front() == '<') {
        const std::size_t end = find_path_end(arg);
        if (end == std::string_view::npos) {
            cmd.error = usage;
            return;
        }
        path = arg.substr(1, end - 1);
        rest = arg.substr(end + 1);
        if (!rest.empty() && rest.front() != ' ') {
            cmd.error = usage;
            return;
        }
        // Source routes ("@a,@b:user@c") must be accepted and ignored (RFC 5321 4.1.2, C).
        if (!path.empty() && path.front() == '@') {
            const std::size_t colon = path.find(':');
            if (colon == std::string_view::npos) {
                cmd.error = usage;
                return;
            }
            path.remove_prefix(colon + 1);
            if (path.empty()) {
                cmd.error = usage;
                return;
            }
        }
    } else {
        // Bare address without brackets: not RFC syntax but sent by some old clients.
        const std::size_t sp = arg.find(' ');
        path = arg.substr(0, sp);
        rest = sp == std::string_view::npos ? std::string_view() : arg.substr(sp);
        if (path.empty()) {
            cmd.error = usage;
            return;
        }
    }

    if (path.empty()) {
        if (!allow_null) cmd.error = "Null recipient not allowed";
    } else if (!valid_mailbox(path) && !(cmd.verb == Verb::kRcpt && iequals(path, "postmaster"))) {
        cmd.error = "Bad address syntax";
    }
    if (!cmd.error.empty()) return;
    cmd.path = path;
    if (!parse_params(rest, cmd.params)) cmd.error = "Bad parameter syntax";
}

struct VerbName {
    std::string_view name;
    Verb verb;
};
constexpr std::array<VerbName, 12> kVerbs{{
    {"HELO", Verb::kHelo},
    {"EHLO", Verb::kEhlo},
    {"MAIL", Verb::kMail},
    {"RCPT", Verb::kRcpt},
    {"DATA", Verb::kData},
    {"RSET", Verb::kRset},
    {"NOOP", Verb::kNoop},
    {"QUIT", Verb::kQuit},
    {"VRFY", Verb::kVrfy},
    {"EXPN", Verb::kExpn},
    {"HELP", Verb::kHelp},
    {"STARTTLS", Verb::kStartTls},
}};

}  // namespace

bool is_ascii(std::string_view s) {
    return std::none_of(s.begin(), s.end(), is_8bit);
}

std::optional<std::uint64_t> parse_size(std::string_view s) {
    if (s.empty() || s.size() > 18) return std::nullopt;  // 18 digits cannot overflow
    std::uint64_t v = 0;
    for (char c : s) {
        if (!is_digit(c)) return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

Command parse_command(std::string_view line) {
    Command cmd;
    const std::size_t sp = line.find(' ');
    const std::string_view word = line.substr(0, sp);
    for (const auto& v : kVerbs) {
        if (iequals(word, v.name)) cmd.verb = v.verb;
    }
    if (cmd.verb == Verb::kUnknown) return cmd;

    // Control bytes (NUL, bare CR, ...) have no place in any command argument; TAB is
    // tolerated as whitespace.
    const std::string_view raw =
        sp == std::string_view::npos ? std::string_view() : line.substr(sp);
    if (std::any_of(raw.begin(), raw.end(), [](char c) { return is_ctl(c) && c != '\t'; })) {
        cmd.error = "Invalid character in command";
        return cmd;
    }
    const std::string_view arg = trim(raw);

    switch (cmd.verb) {
        case Verb::kHelo:
        case Verb::kEhlo: {
            // Only the first word is the domain; some clients append junk after it.
            const std::string_view domain = arg.substr(0, arg.find_first_of(" \t"));
            if (domain.empty())
                cmd.error =
                    cmd.verb == Verb::kEhlo ? "Syntax: EHLO hostname" : "Syntax: HELO hostname";
            else
                cmd.argument = domain;
            break;
        }
        case Verb::kMail:
            parse_path_command(arg, "FROM:", /*allow_null=*/true, cmd);
            break;
        case Verb::kRcpt:
            parse_path_command(arg, "TO:", /*allow_null=*/false, cmd);
            break;
        case Verb::kData:
        case Verb::kRset:
        case Verb::kStartTls:
            if (!arg.empty()) {
                cmd.error = "Syntax: ";
                for (char c : word) cmd.error += upper(c);
                cmd.error += " takes no arguments";
            }
            break;
        case Verb::kVrfy:
        case Verb::kExpn:
            if (arg.empty())
                cmd.error = cmd.verb == Verb::kVrfy ? "Syntax: VRFY address" : "Syntax: EXPN list";
            cmd.argument = arg;
            break;
        case Verb::kNoop:
        case Verb::kHelp:
        case Verb::kQuit:  // RFC says no argument, but a client that wants to quit may quit
            cmd.argument = arg;
            break;
        case Verb::kUnknown:
            break;
    }
    return cmd;
}

}  // namespace cis::smtp
