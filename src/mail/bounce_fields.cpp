// The lexical level of bounce reading: header-like field blocks, addresses in text,
// RFC 3463 enhanced status codes and SMTP reply codes.
#include <algorithm>
#include <cctype>

#include "mail/bounce_internal.hpp"
#include "mail/charset.hpp"

namespace cis::mail::bounce_detail {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// RFC 5322 atext plus '.', and '%' for the old source-routing form exim still writes.
bool is_local_char(char c) {
    return is_alnum(c) ||
           std::string_view(".!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}
bool is_domain_char(char c) {
    return is_alnum(c) || c == '.' || c == '-';
}

// Digits at s[i..], 1 to 3 of them; returns how many (0 when none or more than 3).
std::size_t digit_run(std::string_view s, std::size_t i) {
    std::size_t n = 0;
    while (i + n < s.size() && is_digit(s[i + n])) ++n;
    return n <= 3 ? n : 0;
}

// Length of the enhanced code starting at s[i], or 0.
std::size_t code_length(std::string_view s, std::size_t i) {
    if (i >= s.size() || (s[i] != '2' && s[i] != '4' && s[i] != '5')) return 0;
    if (i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '.')) return 0;  // "v2.4.7", "15.1.1"
    std::size_t at = i + 1;
    for (int part = 0; part < 2; ++part) {
        if (at >= s.size() || s[at] != '.') return 0;
        const std::size_t n = digit_run(s, at + 1);
        if (!n) return 0;
        at += 1 + n;
    }
    // "5.1.1.1" is an IP address, not a code; "5.1.1." ends a sentence.
    if (at < s.size() && s[at] == '.' && at + 1 < s.size() && is_digit(s[at + 1])) return 0;
    return at - i;
}

// Is the code at s[i] written right after an SMTP reply code of its class, as in
// "550 5.1.1", "550-5.1.1" or "550-'5.7.1"?
bool follows_reply_code(std::string_view s, std::size_t i) {
    std::size_t j = i;
    for (int k = 0;
         k < 3 && j > 0 && std::string_view(" -'\"#:").find(s[j - 1]) != std::string_view::npos;
         ++k)
        --j;
    if (j == i || j < 3) return false;
    const std::string_view code = s.substr(j - 3, 3);
    return code[0] == s[i] && is_digit(code[1]) && is_digit(code[2]) &&
           (j == 3 || !is_alnum(s[j - 4]));
}

}  // namespace

std::vector<FieldBlock> parse_field_blocks(std::string_view text) {
    std::vector<FieldBlock> blocks(1);
    std::size_t pos = 0;
    bool last_was_field = false;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (trim(line).empty()) {
            if (!blocks.back().empty()) blocks.emplace_back();
            last_was_field = false;
            continue;
        }
        if (is_space(line.front())) {  // folded continuation
            if (last_was_field) {
                std::string& v = blocks.back().back().value;
                if (!v.empty()) v += ' ';
                v += trim(line);
            }
            continue;
        }
        const std::size_t colon = line.find(':');
        const std::string_view name = colon == std::string_view::npos ? "" : line.substr(0, colon);
        last_was_field = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return is_alnum(c) || c == '-' || c == '_';
        });
        if (last_was_field)
            blocks.back().push_back({lower(name), std::string(trim(line.substr(colon + 1)))});
    }
    if (blocks.back().empty()) blocks.pop_back();
    return blocks;
}

std::string field(const FieldBlock& block, std::string_view name) {
    for (const Field& f : block)
        if (f.name == name) return f.value;
    return {};
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string collapse_spaces(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (is_space(c)) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string one_line(std::string_view s, std::size_t max) {
    std::string out = collapse_spaces(s);
    if (out.size() > max) {
        out.resize(max);
        out += "…";
    }
    return sanitize_utf8(out);
}

bool contains_any(std::string_view haystack, std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(), [&](std::string_view n) {
        return haystack.find(n) != std::string_view::npos;
    });
}

std::string first_address(std::string_view text, std::size_t* end) {
    for (std::size_t at = text.find('@'); at != std::string_view::npos;
         at = text.find('@', at + 1)) {
        std::size_t b = at, e = at + 1;
        while (b > 0 && is_local_char(text[b - 1])) --b;
        while (e < text.size() && is_domain_char(text[e])) ++e;
        // A sentence's dots and quotes around an address ('a@b.c') are not part of it.
        while (b < at && (text[b] == '.' || text[b] == '\'' || text[b] == '`')) ++b;
        while (e > at + 1 && (text[e - 1] == '.' || text[e - 1] == '-')) --e;
        const std::string_view domain = text.substr(at + 1, e - at - 1);
        if (b == at || domain.find('.') == std::string_view::npos) continue;
        if (end) *end = e;
        return std::string(text.substr(b, at - b + 1)) + lower(domain);
    }
    return {};
}

std::string address_of_field(std::string_view value) {
    const std::size_t semi = value.find(';');
    if (semi != std::string_view::npos) value.remove_prefix(semi + 1);
    value = trim(value);
    if (value.size() >= 2 && value.front() == '<' && value.back() == '>')
        value = trim(value.substr(1, value.size() - 2));
    if (value.find('@') == std::string_view::npos ||
        std::any_of(value.begin(), value.end(), [](char c) { return is_space(c); }))
        return {};
    return first_address(value);
}

std::string bare_id(std::string_view value) {
    value = trim(value);
    const std::size_t open = value.find('<');
    if (open != std::string_view::npos) {
        const std::size_t close = value.find('>', open);
        value = value.substr(open + 1, close == std::string_view::npos ? close : close - open - 1);
    }
    return collapse_spaces(value);
}

bool is_enhanced_code(std::string_view token) {
    token = trim(token);
    const std::size_t n = code_length(token, 0);
    return n && n == token.size();
}

std::string enhanced_code(std::string_view text, char class_digit) {
    std::string first;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const std::size_t n = code_length(text, i);
        if (!n || (class_digit && text[i] != class_digit)) continue;
        if (follows_reply_code(text, i)) return std::string(text.substr(i, n));
        if (first.empty()) first = text.substr(i, n);
        i += n - 1;
    }
    return first;
}

int smtp_code(std::string_view text) {
    for (std::size_t i = 0; i + 3 <= text.size(); ++i) {
        if (text[i] != '4' && text[i] != '5') continue;
        if (i > 0 && (is_alnum(text[i - 1]) || text[i - 1] == '.')) continue;
        if (!is_digit(text[i + 1]) || !is_digit(text[i + 2])) continue;
        if (i + 3 < text.size() && text[i + 3] != ' ' && text[i + 3] != '-' && text[i + 3] != ',')
            continue;
        return (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
    }
    return 0;
}

}  // namespace cis::mail::bounce_detail
