#include "imip/custom_zone.hpp"

#include <cctype>
#include <vector>

#include "imip/ical_text.hpp"

namespace cis::imip {

namespace {

// RFC 5545 §3.1 unfolding: a line break followed by a space or tab is removed.
std::vector<std::string> unfolded_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::string current;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\r' && c != '\n') {
            current += c;
            continue;
        }
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        if (i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
            ++i;  // a continuation: drop the break and the one white-space character
            continue;
        }
        lines.push_back(std::move(current));
        current.clear();
    }
    if (!current.empty()) lines.push_back(std::move(current));
    return lines;
}

bool starts_with_name(const std::string& line, std::string_view name) {
    if (line.size() <= name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(line[i])) != name[i]) return false;
    return line[name.size()] == ':' || line[name.size()] == ';';
}

bool is_line(const std::string& line, std::string_view want) {
    if (line.size() != want.size()) return false;
    for (std::size_t i = 0; i < want.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(line[i])) != want[i]) return false;
    return true;
}

// The value after the first ':' outside a quoted parameter value, TEXT-unescaped.
std::string property_value(const std::string& line) {
    bool quoted = false;
    std::size_t colon = std::string::npos;
    for (std::size_t i = 0; i < line.size() && colon == std::string::npos; ++i) {
        if (line[i] == '"') quoted = !quoted;
        if (line[i] == ':' && !quoted) colon = i;
    }
    std::string out;
    if (colon == std::string::npos) return out;
    for (std::size_t i = colon + 1; i < line.size(); ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
            const char next = line[++i];
            out += next == 'n' || next == 'N' ? '\n' : next;
        } else {
            out += line[i];
        }
    }
    return out;
}

}  // namespace

std::optional<CustomZone> read_custom_zone(std::string_view stored) {
    CustomZone zone;
    bool inside = false;
    for (const std::string& line : unfolded_lines(stored)) {
        if (!inside) {
            inside = is_line(line, "BEGIN:VTIMEZONE");
            if (!inside) continue;
        }
        if (line.empty()) continue;
        append_folded(zone.text, valid_utf8(line));
        if (zone.tzid.empty() && starts_with_name(line, "TZID")) zone.tzid = property_value(line);
        if (is_line(line, "END:VTIMEZONE")) {
            if (zone.tzid.empty()) return std::nullopt;
            return zone;
        }
    }
    return std::nullopt;
}

}  // namespace cis::imip
