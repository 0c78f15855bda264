#include "csv/writer.hpp"

namespace cis::csv {

namespace {
bool is_formula_start(char c) {
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}
}  // namespace

std::string cell(std::string_view value) {
    std::string text;
    text.reserve(value.size() + 3);
    if (!value.empty() && is_formula_start(value.front())) text += '\'';
    text += value;
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

void append_row(std::string& out, const std::vector<std::string_view>& cells) {
    bool first = true;
    for (auto value : cells) {
        if (!first) out += ',';
        first = false;
        out += cell(value);
    }
    out += "\r\n";
}

void append_row(std::string& out, std::initializer_list<std::string_view> cells) {
    append_row(out, std::vector<std::string_view>(cells));
}

}  // namespace cis::csv
