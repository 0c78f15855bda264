#pragma once
// RFC 4180 CSV writing for files people open in spreadsheets: CRLF line ends, cells
// quoted when they hold a comma, quote, CR or LF, and cells that a spreadsheet would run
// as a formula (starting with = + - @, tab or CR; OWASP "CSV injection") prefixed with '.
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace cis::csv {

// One cell, neutralised and quoted as needed.
std::string cell(std::string_view value);

// Appends one row (cells joined by commas, then CRLF) to `out`.
void append_row(std::string& out, const std::vector<std::string_view>& cells);
void append_row(std::string& out, std::initializer_list<std::string_view> cells);

}  // namespace cis::csv
