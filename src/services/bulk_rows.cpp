#include "services/bulk_rows.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "csv/reader.hpp"

namespace cis::services {

namespace {

constexpr std::size_t kFeed = 64 * 1024;

// Reads the CSV; the first readable record is the header. Returns the error for a list
// without one or without an email column.
std::optional<std::string> read_csv(std::string_view input,
                                    const std::function<void(BulkRow&&)>* row) {
    csv::Reader reader;
    std::optional<csv::Header> header;
    std::optional<std::string> problem;
    bool stop = false;
    const csv::Sink sink = [&](csv::Record&& r) {
        if (stop) return;
        if (!header) {
            if (!r.ok()) {
                problem =
                    fmt::format("the header row (line {}) cannot be read: {}", r.line, r.error);
                stop = true;
                return;
            }
            header.emplace(r.fields);
            if (!header->find("email")) {
                problem = fmt::format(
                    "the header row (line {}) must name an \"email\" column; it has: {}", r.line,
                    fmt::join(r.fields, ", "));
                stop = true;
            }
            if (!row) stop = true;  // only the header was wanted
            return;
        }
        BulkRow b;
        b.line = static_cast<std::int64_t>(r.line);
        b.next_line = static_cast<std::int64_t>(r.next.line);
        b.next_offset = static_cast<std::int64_t>(r.next.offset);
        if (!r.ok()) {
            b.error_code = "malformed";
            b.error = r.error;
        } else {
            b.email = header->value(r, "email");
            b.name = header->value(r, "name");
            b.event = header->value(r, "event");
            if (b.email.empty()) {
                b.error_code = "missing_email";
                b.error = "the row has no email";
            }
        }
        (*row)(std::move(b));
    };
    for (std::size_t i = 0; i < input.size() && !stop; i += kFeed)
        reader.feed(input.substr(i, kFeed), sink);
    if (!stop) reader.finish(sink);
    if (!problem && !header)
        problem = "the list is empty: it needs a header row naming an \"email\" column";
    return problem;
}

const nlohmann::json* json_list(const nlohmann::json& body) {
    if (body.is_array()) return &body;
    if (body.is_object() && body.contains("invitees") && body["invitees"].is_array())
        return &body["invitees"];
    return nullptr;
}

std::string text_of(const nlohmann::json& item, const char* name) {
    if (!item.is_object() || !item.contains(name) || !item[name].is_string()) return {};
    return item[name].get<std::string>();
}

}  // namespace

std::optional<std::string> check_bulk_list(const std::string& format, std::string_view input,
                                           std::string* origin) {
    if (format == "csv") return read_csv(input, nullptr);
    const auto body = nlohmann::json::parse(input, nullptr, false);
    if (body.is_discarded() || !json_list(body))
        return "the body must be JSON such as {\"invitees\": [{\"email\": \"zack@example.org\", "
               "\"name\": \"Zack\"}], \"origin\": \"bulk\"} or a bare array of invitees";
    if (origin && body.is_object() && body.contains("origin") && body["origin"].is_string())
        *origin = body["origin"].get<std::string>();
    return std::nullopt;
}

void for_each_bulk_row(const std::string& format, std::string_view input,
                       const std::function<void(BulkRow&&)>& row) {
    if (format == "csv") {
        read_csv(input, &row);
        return;
    }
    const auto body = nlohmann::json::parse(input, nullptr, false);
    const auto* list = body.is_discarded() ? nullptr : json_list(body);
    if (!list) return;
    std::int64_t n = 0;
    for (const auto& item : *list) {
        BulkRow b;
        b.line = ++n;
        b.next_line = n + 1;
        b.next_offset = n;
        b.email = text_of(item, "email");
        b.name = text_of(item, "name");
        if (!item.is_object()) {
            b.error_code = "malformed";
            b.error = "the entry is not an object such as {\"email\": \"zack@example.org\"}";
        } else if (b.email.empty()) {
            b.error_code = "missing_email";
            b.error = "the entry has no \"email\" string";
        }
        row(std::move(b));
    }
}

std::optional<std::string> bulk_format_of(std::string_view content_type) {
    const std::string type = media_type(content_type);
    if (type == "text/csv" || type == "application/vnd.ms-excel" || type == "text/plain")
        return "csv";
    if (type == "application/json") return "json";
    return std::nullopt;
}

}  // namespace cis::services
