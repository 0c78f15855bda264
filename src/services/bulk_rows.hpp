#pragma once
// The rows of a bulk invitation list, CSV or JSON, read the same way for the API and for
// bulk@ (SPEC §3.6). CSV: a header row naming an `email` column (any case), optionally
// `name` and `event`; other columns are ignored. JSON: {"invitees": [{"email", "name"}],
// "origin"?} or a bare array of such objects.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cis::services {

struct BulkRow {
    std::int64_t line = 0;                        // CSV line; JSON: array index + 1
    std::int64_t next_line = 0, next_offset = 0;  // where reading resumes after the row
    std::string email, name, event;               // as written
    std::string error_code;  // malformed / missing_email; empty for a readable row
    std::string error;       // why, for people
};

// Why the list cannot be processed at all (no header, no email column, not JSON of the
// right shape), or nullopt. For JSON, `origin` receives the body's "origin" if any.
std::optional<std::string> check_bulk_list(const std::string& format, std::string_view input,
                                           std::string* origin = nullptr);

// Calls `row` for every row of the list, in order.
void for_each_bulk_row(const std::string& format, std::string_view input,
                       const std::function<void(BulkRow&&)>& row);

// "csv" or "json" for a Content-Type, nullopt when neither.
std::optional<std::string> bulk_format_of(std::string_view content_type);

}  // namespace cis::services
