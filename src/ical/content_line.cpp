#include "ical/content_line.hpp"

#include <cctype>

namespace cis::ical {

namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string unquoted(std::string_view s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return std::string(s);
}

}  // namespace

std::vector<std::string> ContentLine::values_of(std::string_view n) const {
    std::vector<std::string> out;
    for (const auto& [key, values] : params)
        if (key == n) out.insert(out.end(), values.begin(), values.end());
    return out;
}

const std::string* ContentLine::first_value_of(std::string_view n) const {
    for (const auto& [key, values] : params)
        if (key == n && !values.empty()) return &values.front();
    return nullptr;
}

std::vector<std::string> unfold_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::string current;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c != '\r' && c != '\n') {
            current += c;
            ++i;
            continue;
        }
        // One line end: CRLF, LF or CR.
        i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
        if (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
            ++i;  // a fold: the line continues
            continue;
        }
        if (!current.empty()) lines.push_back(std::move(current));
        current.clear();
    }
    if (!current.empty()) lines.push_back(std::move(current));
    return lines;
}

ContentLine parse_content_line(std::string_view line) {
    ContentLine out;
    std::size_t i = 0;
    while (i < line.size() && line[i] != ';' && line[i] != ':') ++i;
    out.name = upper(line.substr(0, i));
    // Parameters: ;NAME=v1,"v2";NAME2=... — ',' ';' ':' count only outside quotes.
    while (i < line.size() && line[i] == ';') {
        ++i;
        const std::size_t name_at = i;
        while (i < line.size() && line[i] != '=' && line[i] != ';' && line[i] != ':') ++i;
        std::string name = upper(line.substr(name_at, i - name_at));
        std::vector<std::string> values;
        if (i < line.size() && line[i] == '=') {
            ++i;
            for (;;) {
                const std::size_t value_at = i;
                bool quoted = false;
                while (i < line.size() &&
                       (quoted || (line[i] != ',' && line[i] != ';' && line[i] != ':'))) {
                    if (line[i] == '"') quoted = !quoted;
                    ++i;
                }
                values.push_back(unquoted(line.substr(value_at, i - value_at)));
                if (i < line.size() && line[i] == ',') {
                    ++i;
                    continue;
                }
                break;
            }
        }
        out.params.emplace_back(std::move(name), std::move(values));
    }
    if (i < line.size() && line[i] == ':') out.value = std::string(line.substr(i + 1));
    return out;
}

}  // namespace cis::ical
